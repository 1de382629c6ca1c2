"""DATABASE_READ_URL: snapshots and version checks are read from a replica, writes go to
DATABASE_URL. The replica here is a copy of the primary taken before the primary's latest write
(a lagging replica: it never has a version the primary lacks); nothing replicates between them,
so the version an app answers shows which database it read."""
from __future__ import annotations

import pytest
from flask_migrate import upgrade
from helpers import admin_sql, edit, make_app, seed

from api.extensions import db
from api.models import DatasetVersion


def versions() -> list[str]:
    return list(db.session.scalars(db.select(DatasetVersion.version).order_by(DatasetVersion.loaded_at)))


def close(app) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_reads_come_from_the_replica_and_writes_go_to_the_primary(database_url, seed_dir):
    primary, replica = database_url(), database_url()
    first = make_app(primary)
    with first.app_context():
        upgrade()
        assert seed(first, seed_dir).exit_code == 0
        [old] = versions()
    close(first)
    name = lambda url: url.rsplit("/", 1)[1]
    admin_sql(f'DROP DATABASE "{name(replica)}"')
    admin_sql(f'CREATE DATABASE "{name(replica)}" TEMPLATE "{name(primary)}"')  # the replica, as of now

    app = make_app(primary, DATABASE_READ_URL=replica)
    with app.app_context():
        edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
        assert seed(app, seed_dir).exit_code == 0  # a write: to the primary
        assert len(versions()) == 2  # published on the primary
        new = versions()[1]
        client = app.test_client()
        assert client.get("/api/v1/dataset").get_json()["version"] == old  # read from the lagging replica
        assert client.get("/api/v1/countries/US").headers["X-Dataset-Version"] == old
    close(app)
    lagging = make_app(replica)
    with lagging.app_context():
        assert versions() == [old]  # the write did not go to the replica
    close(lagging)
    alone = make_app(primary)  # control: the primary without a replica answers its new version
    with alone.app_context():
        assert alone.test_client().get("/api/v1/dataset").get_json()["version"] == new
    close(alone)
