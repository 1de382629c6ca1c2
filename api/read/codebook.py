"""codebook.md: every table and column of the exports, written from the same table definitions
that write the files (api.read.tables), so the codebook cannot drift from the data."""
from __future__ import annotations

from datetime import date

from api.read.citation import citation
from api.read.derived_rows import FIRST_YEAR
from api.read.snapshot import Snapshot
from api.read.tables import EXPORT_TABLES, OBLIGATION_STATUS_TEXT, Column, Table
from api.rules import status

NAME = "codebook.md"
DEFAULT_MISSING = "Not known or not applicable (see the meaning)."

CONVENTIONS = """\
## Conventions

- **Files.** Each table comes as CSV, JSON (a plain array of records), NDJSON (one record per
  line), Parquet and Stata `.dta`, with the same rows and columns; this package holds the CSVs
  (`data/`) and the `.dta` files (`stata/`). CSV is UTF-8 with a header row and `\\r\\n` line
  ends.
- **Stata.** The `.dta` files are format 118 (Stata 14 or later, UTF-8). A coded column (one
  with allowed values below) is an integer with a value label of the same name: 0 is the first
  allowed value listed, 1 the second, and so on; a boolean is 0 `false` / 1 `true`, labelled.
  Dates are Stata dates (`%td`); lists are `;`-joined text. Stata has no missing text, so an
  unknown text is `""`; an unknown number or date is `.`. Each variable's label is (the start
  of) its meaning below. `membership_timeline.end` is named `end_date` in Stata.
- **Missing values.** An empty cell (JSON/Parquet: null) is a missing value; what it means is
  given per column below. No other marker is used.
- **Dates** are ISO 8601 (`YYYY-MM-DD`). **Partial dates:** a date known only to the month is
  written as the first day of that month, one known only to the year as 1 January, and the
  row's `date_precision` says which (`day`, `month` or `year`). Treat a `month` date as "some
  day in that month". An unknown date is empty, with a note saying what is unknown.
- **Booleans** are `true` / `false`. **Lists** (`sources`, `aliases`) are `;`-joined text in CSV
  and arrays in JSON and Parquet.
- **Keys.** Every table about states carries the state's `iso3`, `iso2`, `numeric`, `name`,
  `cow_code` (Correlates of War) and `gw_code` (Gleditsch-Ward), the last two from the
  countrycode crosswalk and empty where it gives none (never guessed): merge COW- or GW-coded
  covariates on them. Join the package's tables on `iso3`: it is read unchanged by every reader's
  defaults. Namibia's `iso2` is `NA`,
  which pandas and R read as missing unless told otherwise, and `numeric` is three digits kept
  as text (`004` for Afghanistan), which readers that guess types turn into a number.
- **States** are the 197 states in `states`; every state appears in `statuses` and, every
  year from {first_year}, in `country_year`. The data has no dates for when a state came to exist
  (or ceased to), so a state appears in years before its independence.
- **Dated tables** (`statuses`, `obligation_status`, `country_year`) depend on the date they are
  computed for, `as_of` (this package: {as_of}); ask the API with `as_of=` for another date.

Reading the CSVs so that every code survives:

```python
import pandas as pd
states = pd.read_csv("data/states.csv", keep_default_na=False, na_values=[""], dtype={{"numeric": str}})
```

```r
# Base R: na.strings = "" keeps Namibia's iso2 "NA"; numeric stays text with its leading zeros.
read_table <- function(name) {{
  path <- file.path("data", paste0(name, ".csv"))
  text <- intersect(c("iso2", "numeric"), names(read.csv(path, nrows = 1)))
  read.csv(path, na.strings = "", encoding = "UTF-8",
           colClasses = setNames(rep("character", length(text)), text))
}}
states <- read_table("states")
panel <- read_table("country_year")
panel$date <- as.Date(panel$date)
panel$bound <- tolower(panel$bound) == "true"
stopifnot(length(unique(panel$iso3)) == nrow(states), "NA" %in% states$iso2)
# readr: read_csv("data/country_year.csv", na = "", col_types = cols(iso2 = "c", numeric = "c"))
# Stata files from R: haven::read_dta("stata/country_year.dta") (coded columns as labelled integers)
```

In Stata: `use stata/country_year.dta`, then `label list status` shows the codes of `status`.
"""

DERIVATION = """\
## How statuses and obligations are derived

Statuses are computed from the deposited treaty actions (`treaty_actions`), never recorded by
hand:

- A signature makes a state a `signatory` (a signature after consent changes nothing).
- A consent to be bound (ratification, acceptance, approval, accession) makes the state
  `consented_not_in_force` from its deposit, and `state_party` from the first day of the sixth
  month after the month of deposit, never before the treaty's own entry into force (Article 17).
  A succession takes effect on the date of succession, the successor's first day as a state,
  as the depositary records it (`effective`), even when notified later.
- A withdrawal makes the state `withdrawal_pending` from its deposit and `withdrawn` six months
  later (Article 20(2)); while the state is engaged in an armed conflict
  (`armed_conflict_hold`), it is `withdrawal_suspended` from then until the conflict ends
  (Article 20(3)).
- A state with no dated action is `not_signatory`. Undated actions decide nothing.
- Before its `exists_from` (table `states`, from the Gleditsch-Ward list of independent
  states) and after its `exists_until`, a state is `not_a_state`: it has no row in `statuses`
  or `country_year` and is in no count.
- `bound` is true for `state_party`, `withdrawal_pending` and `withdrawal_suspended`.

Articles 4 and 5 oblige a state party to destroy its stockpiled anti-personnel mines within 4
years, and to clear its mined areas within 10 years, of the treaty entering into force for it
(the original deadline); a Meeting of States Parties may extend the Article 5 deadline. The
obligation on a date is read from the state's dated events in `obligations` up to that date.
{obligations}
"""


CITE_NOTE = ("Cite the dataset version and the date of the dated tables ({as_of}): the URL below carries "
             "both (`dataset_version=` and `as_of=`), so it returns this package byte for byte for ever. "
             "`CITATION.cff` in this package holds the same citation for reference managers; `CHANGES.md` "
             "says what this version changed since the previous one. If you deposited a release "
             "(`flask release`) in a repository such as Zenodo, cite its DOI together with the version.")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _column_row(column: Column) -> str:
    allowed = ", ".join(f"`{value}`" for value in column.enum)
    missing = "Never empty." if column.required else column.missing or (
        "No entries (an empty list)." if column.type == "list" else DEFAULT_MISSING)
    return (f"| `{column.name}` | {column.type} | {_cell(column.description)} | {allowed} | "
            f"{_cell(missing)} |")


def _table(table: Table) -> list[str]:
    lines = [f"### `{table.name}`", "", table.description, "",
             f"- File: `data/{table.name}.csv` (also `.json`, `.ndjson`, `.parquet` from the API).",
             f"- One row per: {', '.join(f'`{k}`' for k in table.primary_key)} (primary key)."]
    if table.foreign_keys:
        lines.append("- Joins: " + "; ".join(f"`{name}` → `{target}.{key}`"
                                              for name, (target, key) in table.foreign_keys.items()) + ".")
    if table.dated:
        lines.append("- Dated: computed for `as_of`.")
    if table.derivation:
        lines.append(f"- Derived: {table.derivation}")
    lines += ["", "| Column | Type | Meaning | Allowed values | Empty means |", "|---|---|---|---|---|"]
    lines += [_column_row(column) for column in table.columns]
    return [*lines, ""]


def codebook(snapshot: Snapshot, day: date, base_url: str) -> str:
    """The codebook of `snapshot`'s exports, for the dated tables on `day`."""
    rules = EXPORT_TABLES["obligation_status"].derivation
    cite = citation(snapshot.version, snapshot.released, base_url, day)
    lines = ["# Mine Ban Treaty Status dataset: codebook", "",
             f"Dataset version {snapshot.version}, released {snapshot.released.date().isoformat()}; "
             f"dated tables as of {day.isoformat()}. Generated from the same table definitions as the "
             "files, so every table and column below is exactly what the files hold.", "",
             CONVENTIONS.format(first_year=FIRST_YEAR, as_of=day.isoformat()),
             DERIVATION.format(obligations=f"{rules}\n\nObligation statuses: {OBLIGATION_STATUS_TEXT}"),
             "Legal statuses: " + ", ".join(f"`{s}`" for s in status.STATUSES) + ".", "",
             "## Tables", ""]
    for table in EXPORT_TABLES.values():
        lines += _table(table)
    lines += ["## How to cite", "", CITE_NOTE.format(as_of=day.isoformat()), "", cite["text"], "", "```bibtex",
              cite["bibtex"].rstrip(), "```", ""]
    return "\n".join(lines)
