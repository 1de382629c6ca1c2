"""An archivable release of a dataset version, for deposit in Zenodo or a university repository:
the data package, its citation, codebook and change log beside it, a README and SHA256SUMS.

Every byte depends only on the version, the `as_of` date of the dated tables (by default the
version's release day, not the day the command runs) and PUBLIC_URL, so two runs give the same
files and a deposit can be checked against a fresh build at any later date.
"""
from __future__ import annotations

import hashlib
from datetime import date

from api.read import changelog, codebook, package
from api.read.citation import CFF_NAME, citation
from api.read.snapshot import Snapshot

SUMS_NAME, README_NAME = "SHA256SUMS", "README.md"

README = """\
# {title}, version {version}

Dated tables (statuses, obligation_status, country_year) as of {as_of}. Released {released}.
Licensed under CC BY 4.0.

- `{package}`: the Frictionless Data Package (every table as CSV in `data/` and Stata `.dta`
  in `stata/`, `datapackage.json`, `codebook.md`, `CITATION.cff`, `CHANGES.md`, `changes.json`).
- `{codebook}`, `{cff}`, `{changes}`: the same files as inside the package, to read without unzipping.
- `{sums}`: the SHA-256 of every other file (`sha256sum -c {sums}`).

The package is byte for byte what the API serves at
{url}

## How to cite

{text}

Once this release is deposited (Zenodo, a university repository), cite the deposit's DOI
together with the version and the as_of date above; keep `CITATION.cff` in the deposit, and
add the DOI to it (`doi:`) if the repository does not.
"""


def release_files(snapshot: Snapshot, day: date, base_url: str) -> dict[str, bytes]:
    """File name -> bytes of the release, SHA256SUMS last."""
    name = f"mine-ban-treaty-{snapshot.version}.zip"
    texts = package.documents(snapshot, day, base_url)
    cite = citation(snapshot.version, snapshot.released, base_url, day)
    readme = README.format(title=cite["csl_json"]["title"], version=snapshot.version, as_of=day.isoformat(),
                           released=snapshot.released.date().isoformat(), package=name, codebook=codebook.NAME,
                           cff=CFF_NAME, changes=changelog.MARKDOWN_NAME, sums=SUMS_NAME,
                           url=cite["csl_json"]["URL"], text=cite["text"])
    files = {name: b"".join(package.zip_chunks(snapshot, day, base_url)),
             **{n: texts[n].encode() for n in (codebook.NAME, CFF_NAME, changelog.MARKDOWN_NAME)},
             README_NAME: readme.encode()}
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {n}\n" for n, data in sorted(files.items()))
    return {**files, SUMS_NAME: sums.encode()}
