"""How to cite a dataset version: plain text, BibTeX, CSL-JSON and CITATION.cff, from one set of facts.

Every form names the dataset version and the date of the dated tables (statuses,
obligation_status, country_year), and cites a URL that carries both (`dataset_version=` and
`as_of=`): without `as_of`, the dated tables default to the reader's today, and the same URL
would give other bytes on a later day. Cited so, the URL returns the same bytes for ever.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TypedDict

TITLE = "Mine Ban Treaty Status dataset"
AUTHOR = "Mine Ban Treaty Status API contributors"
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
CFF_NAME = "CITATION.cff"


def package_url(base_url: str, version: str, as_of: date) -> str:
    """The data package of `version`, its dated tables as of `as_of`: a URL whose bytes never change."""
    return (f"{base_url.rstrip('/')}/api/v1/exports/datapackage.zip?dataset_version={version}"
            f"&as_of={as_of.isoformat()}")


def bibtex_entry(key: str, author: str, title: str, **fields: object) -> str:
    """A BibTeX @misc entry. The author is braced twice so BibTeX keeps it as one corporate name."""
    lines = [f"  author = {{{{{author}}}}}", f"  title = {{{title}}}", *(f"  {k} = {{{v}}}" for k, v in fields.items())]
    return f"@misc{{{key},\n" + ",\n".join(lines) + "\n}"


class Citation(TypedDict):
    text: str
    bibtex: str
    csl_json: dict[str, Any]
    as_of: str


def citation(version: str, released: datetime, base_url: str, as_of: date | None = None) -> Citation:
    """The citation of `version` (dated tables as of `as_of`, by default the release day) in the
    forms reference managers and papers use."""
    day = released.date()
    as_of = as_of or day
    url = package_url(base_url, version, as_of)
    text = (f"{AUTHOR} ({day.year}). {TITLE}, version {version}, dated tables as of {as_of.isoformat()} "
            f"[Data set]. Released {day.isoformat()}. Licensed under CC BY 4.0. {url}")
    key = "minebantreaty_" + version.replace(".", "_").replace("-", "_")
    bibtex = bibtex_entry(key, AUTHOR, TITLE, year=day.year, month=day.month, version=version,
                          howpublished=f"\\url{{{url}}}",
                          note=f"Data set, released {day.isoformat()}, dated tables as of {as_of.isoformat()}, "
                               "licensed under CC BY 4.0") + "\n"
    csl: dict[str, Any] = {"id": key, "type": "dataset", "title": TITLE, "author": [{"literal": AUTHOR}],
           "issued": {"date-parts": [[day.year, day.month, day.day]]}, "version": version,
           "URL": url, "license": LICENCE["name"], "note": f"Dated tables as of {as_of.isoformat()}"}
    return {"text": text, "bibtex": bibtex, "csl_json": csl, "as_of": as_of.isoformat()}


def citation_cff(version: str, released: datetime, base_url: str, as_of: date) -> str:
    """CITATION.cff (Citation File Format 1.2.0) of `version`, which GitHub, Zenodo and reference
    managers read. Strings are written as JSON strings, which YAML reads as they are."""
    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)
    day = released.date()
    abstract = ("Status of every state under the Mine Ban Treaty, national mine policies and Article 4 and 5 "
                f"obligations; dataset version {version}, dated tables (statuses, obligation_status, "
                f"country_year) as of {as_of.isoformat()}.")
    lines = ["cff-version: 1.2.0",
             f"message: {q('If you use this dataset, please cite it as below, with its version and as_of date.')}",
             "type: dataset", f"title: {q(TITLE)}", "authors:", f"  - name: {q(AUTHOR)}",
             f"version: {q(version)}", f"date-released: {q(day.isoformat())}",
             f"license: {LICENCE['name']}", f"url: {q(package_url(base_url, version, as_of))}",
             f"repository-artifact: {q(package_url(base_url, version, as_of))}",
             f"abstract: {q(abstract)}",
             "keywords:", f"  - {q('Mine Ban Treaty')}", f"  - {q('anti-personnel mines')}",
             f"  - {q('treaty ratification')}", f"  - {q('country-year panel')}"]
    return "\n".join(lines) + "\n"
