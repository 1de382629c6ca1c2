"""Backups that restore (docs/operations.md#backups): pg_dump of a served database, pg_restore into
a fresh one, and the app reads the same answers from it; and `flask import-package` loads every
package the service exports, also one whose version has a source no record cites yet, and only
into an empty database."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from flask_migrate import upgrade
from helpers import ADMIN_URL, NEW_SOURCE, bearer, database_checksum, make_app, seed_small

from api.extensions import db

READS = ("/api/v1/dataset", "/api/v1/countries/FI", "/api/v1/treaties/apmbc/participants", "/api/v1/changes")


def close(app) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def answers(app) -> dict:
    with app.app_context():
        client = app.test_client()
        found = {path: client.get(path) for path in READS}
        assert all(response.status_code == 200 for response in found.values()), found
        return {path: response.data for path, response in found.items()}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_pg_dump_then_pg_restore_into_a_fresh_database_answers_the_same(database_url, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    served, restored = database_url(), database_url()
    app = make_app(served)
    with app.app_context():
        upgrade()
        seed_small(app)
        client = app.test_client()
        assert client.post("/api/v1/sources", json=NEW_SOURCE, headers=bearer()).status_code == 201  # a 2nd version
    before = answers(app)
    close(app)
    plain = lambda url: url.replace("postgresql+psycopg://", "postgresql://")
    dump = tmp_path / "treaty.dump"
    # the commands of docs/operations.md#backups
    subprocess.run(["pg_dump", "-Fc", "-d", plain(served), "-f", str(dump)], check=True, timeout=120)
    subprocess.run(["pg_restore", "--no-owner", "-d", plain(restored), str(dump)], check=True, timeout=120)
    assert ADMIN_URL  # the same server, another database
    copy = make_app(restored)
    assert answers(copy) == before
    with copy.app_context():  # earlier versions too: dataset_version= answers from the restored copy
        versions = copy.test_client().get("/api/v1/dataset/versions").get_json()["items"]
        assert len(versions) == 2
        assert copy.test_client().get(f"/api/v1/countries/FI?dataset_version={versions[-1]['version']}"
                                      ).status_code == 200
    close(copy)


def test_a_package_with_an_uncited_source_imports(empty_app, database_url, tmp_path):
    seed_small(empty_app)
    client = empty_app.test_client()
    assert client.post("/api/v1/sources", json=NEW_SOURCE, headers=bearer()).status_code == 201  # cited by nothing
    package = tmp_path / "datapackage.zip"
    package.write_bytes(client.get("/api/v1/exports/datapackage.zip").data)
    version = client.get("/api/v1/dataset").get_json()["version"]
    imported = make_app(database_url())
    with imported.app_context():
        upgrade()
        result = imported.test_cli_runner().invoke(args=["import-package", str(package)])
        assert result.exit_code == 0, result.output
        again = imported.test_client()
        assert again.get(f"/api/v1/sources/{NEW_SOURCE['id']}").status_code == 200
        assert again.get("/api/v1/dataset").get_json()["version"] == version
        assert again.get("/api/v1/exports/datapackage.zip").data == package.read_bytes()  # the same package back
    close(imported)


@pytest.mark.parametrize("writes", [False, True], ids=["same data", "data changed since"])
def test_a_package_is_refused_by_a_database_that_has_data_and_nothing_changes(small_app, tmp_path, writes):
    """`flask import-package` loads into an empty database only: into one with data (the data the
    package came from, or data that moved on since) it refuses, and the database stays as it was."""
    client = small_app.test_client()
    package = tmp_path / "datapackage.zip"
    package.write_bytes(client.get("/api/v1/exports/datapackage.zip").data)
    if writes:
        assert client.post("/api/v1/sources", json=NEW_SOURCE, headers=bearer()).status_code == 201
    before = database_checksum(small_app)
    result = small_app.test_cli_runner().invoke(args=["import-package", str(package)])
    assert result.exit_code == 1
    assert "the database is not empty: import a package into a new database" in result.output
    assert database_checksum(small_app) == before
