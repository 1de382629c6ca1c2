"""How to cite a dataset version: plain text, BibTeX and CSL-JSON, from one set of facts."""
from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

TITLE = "Mine Ban Treaty Status dataset"
AUTHOR = "Mine Ban Treaty Status API contributors"
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


def package_url(base_url: str, version: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/exports/datapackage.zip?dataset_version={version}"


def bibtex_entry(key: str, author: str, title: str, **fields: object) -> str:
    """A BibTeX @misc entry. The author is braced twice so BibTeX keeps it as one corporate name."""
    lines = [f"  author = {{{{{author}}}}}", f"  title = {{{title}}}", *(f"  {k} = {{{v}}}" for k, v in fields.items())]
    return f"@misc{{{key},\n" + ",\n".join(lines) + "\n}"


class Citation(TypedDict):
    text: str
    bibtex: str
    csl_json: dict[str, Any]


def citation(version: str, released: datetime, base_url: str) -> Citation:
    """The citation of `version` in the three forms reference managers and papers use."""
    url, day = package_url(base_url, version), released.date()
    text = (f"{AUTHOR} ({day.year}). {TITLE}, version {version} [Data set]. "
            f"Released {day.isoformat()}. Licensed under CC BY 4.0. {url}")
    key = "minebantreaty_" + version.replace(".", "_").replace("-", "_")
    bibtex = bibtex_entry(key, AUTHOR, TITLE, year=day.year, month=day.month, version=version,
                          howpublished=f"\\url{{{url}}}",
                          note=f"Data set, released {day.isoformat()}, licensed under CC BY 4.0") + "\n"
    csl: dict[str, Any] = {"id": key, "type": "dataset", "title": TITLE, "author": [{"literal": AUTHOR}],
           "issued": {"date-parts": [[day.year, day.month, day.day]]}, "version": version,
           "URL": url, "license": LICENCE["name"]}
    return {"text": text, "bibtex": bibtex, "csl_json": csl}
