"""Stata .dta exports: every table, read back by pandas.read_stata, holds what its CSV holds."""
import io
import math
import shutil
import subprocess
import zipfile

import pandas as pd
import pytest
from helpers import require

from api.read.formats import unneutralise

pytestmark = pytest.mark.slow  # builds every table in two formats

TABLES = ["sources", "treaties", "states", "treaty_actions", "policy_positions", "obligations", "producer_lists",
          "statuses", "membership_timeline", "obligation_status", "country_year", "citations"]
DAY = "2026-01-15"


def _text(value) -> str:
    """A .dta value as the CSV writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_csv_text(frame: pd.DataFrame) -> list[dict[str, str]]:
    return [{name: _text(value) for name, value in row.items()} for row in frame.to_dict("records")]


@pytest.mark.parametrize("table", TABLES)
def test_every_dta_reads_back_with_the_rows_of_its_csv(client, table):
    response = client.get(f"/api/v1/exports/{table}.dta?as_of={DAY}")
    assert response.status_code == 200 and response.mimetype == "application/x-stata-dta"
    dta = pd.read_stata(io.BytesIO(response.data)).rename(columns={"end_date": "end"})
    text = pd.read_csv(io.BytesIO(client.get(f"/api/v1/exports/{table}.csv?as_of={DAY}").data),
                       dtype=str, keep_default_na=False)
    exact = [{name: unneutralise(value) for name, value in row.items()} for row in text.to_dict("records")]
    assert list(dta.columns) == list(text.columns) and len(exact) > 0
    assert _as_csv_text(dta) == exact


def test_coded_columns_are_labelled_integers_and_dates_are_stata_dates(client):
    data = client.get(f"/api/v1/exports/country_year.dta?as_of={DAY}").data
    with pd.read_stata(io.BytesIO(data), iterator=True) as reader:
        labels, variable_labels = reader.value_labels(), reader.variable_labels()
    assert "state_party" in labels["status"].values() and "prohibited" in labels["policy_use"].values()
    assert set(labels["bound"].values()) == {"false", "true"}
    assert variable_labels["iso3"].startswith("ISO 3166-1 alpha-3")
    codes = pd.read_stata(io.BytesIO(data), convert_categoricals=False)
    assert pd.api.types.is_integer_dtype(codes["status"]) and pd.api.types.is_datetime64_any_dtype(codes["date"])
    frame = pd.read_stata(io.BytesIO(data))
    # Namibia keeps its alpha-2 code "NA": Stata text is never read as missing.
    assert set(frame.loc[frame["iso3"] == "NAM", "iso2"]) == {"NA"}
    assert frame.set_index(["iso3", "year"]).loc[("AFG", 2020), "numeric"] == "004"


def test_the_data_package_holds_every_table_as_dta_byte_for_byte(client):
    package = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}").data))
    names = set(package.namelist())
    assert {f"stata/{table}.dta" for table in TABLES} <= names
    for table in TABLES:
        assert package.read(f"stata/{table}.dta") == client.get(f"/api/v1/exports/{table}.dta?as_of={DAY}").data


def test_the_codebook_shows_how_to_read_the_csvs_in_r_keeping_namibia(client):
    book = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}").data)) \
        .read("codebook.md").decode()
    r_part = book.split("```r\n", 1)[1].split("```", 1)[0]
    assert 'na.strings = ""' in r_part and 'c("iso2", "numeric")' in r_part and "country_year" in r_part
    assert "haven::read_dta" in book or "read_dta" in book


R_CHECK = """
cat(nrow(states), sum(states$iso2 == "NA", na.rm = TRUE), states$numeric[states$iso3 == "AFG"], nrow(panel),
    sum(panel$bound & panel$year == 2020), class(panel$date), "\\n")
"""


def test_the_codebooks_r_snippet_reads_every_state_and_code_in_r(client, tmp_path):
    if shutil.which("Rscript") is None:
        require("REQUIRE_R", "Rscript is not installed (apt-get install r-base-core)")
    zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}").data)).extractall(tmp_path)
    book = (tmp_path / "codebook.md").read_text()
    (tmp_path / "check.R").write_text(book.split("```r\n", 1)[1].split("```", 1)[0] + R_CHECK)
    done = subprocess.run(["Rscript", "check.R"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    states = pd.read_csv(tmp_path / "data" / "states.csv", keep_default_na=False, dtype=str)
    panel = pd.read_csv(tmp_path / "data" / "country_year.csv", keep_default_na=False, dtype=str)
    bound_2020 = ((panel["year"] == "2020") & (panel["bound"] == "true")).sum()
    # 164 states parties at the end of 2020: Landmine Monitor 2021, as test_exports.py cites it
    assert done.stdout.split() == [str(len(states)), "1", "004", str(len(panel)), str(bound_2020), "Date"]
    assert len(states) == 197 and bound_2020 == 164
