"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and two
upgrades at once on PostgreSQL take turns."""
import os
import subprocess

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import BIN, ROOT, wait_for

from api.extensions import db


def test_the_models_and_the_migrations_agree(empty_app):
    """`flask db upgrade` (run by the fixture) leaves nothing for autogenerate to add: a model
    changed without a migration, or a migration without its model change, fails here."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_the_check_sees_a_model_the_migrations_lack(empty_app):
    """The comparison is live: a column only the model has is reported."""
    import sqlalchemy as sa
    extra = sa.MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(extra)
    extra.tables["source"].append_column(sa.Column("unmigrated", sa.Text))
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), extra)
    assert [d[0] for d in differences] == ["add_column"] and differences[0][3].name == "unmigrated"


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_a_downgrade_refuses_to_drop_data_unless_asked(empty_app):
    """Every downgrade drops tables or columns: without `-x data-loss=yes` it refuses, and the
    schema stays where it was; with it, it runs; an upgrade never needs it."""
    cli = empty_app.test_cli_runner()
    head = _revision()
    assert head is not None
    first = "57f9749492f1"  # the initial schema
    for args in (["db", "downgrade"], ["db", "downgrade", "base"], ["db", "downgrade", first]):
        result = cli.invoke(args=args)
        assert result.exit_code != 0 and "Refusing to downgrade" in str(result.exception), (args, result.output)
        assert _revision() == head
    result = cli.invoke(args=["db", "-x", "data-loss=yes", "downgrade"])
    assert result.exit_code == 0, result.output
    assert _revision() not in (head, None)
    result = cli.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and _revision() == head
# migrations/env.py's MIGRATION_LOCK (the ASCII of "treatymi"), as PostgreSQL's pg_locks shows a bigint key
MIGRATION_LOCK = 0x7472656174796D69


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_upgrades_at_once_the_second_waits_then_finds_nothing_to_do(database_url):
    """Every instance may run `flask db upgrade` as it starts. Two real processes are started while
    the test holds the migration lock: both wait on it; released, one migrates, the other waits for
    its commit, then finds the database at head and exits 0 without running a migration."""
    assert f"MIGRATION_LOCK = {MIGRATION_LOCK:#X}".replace("0X", "0x") in (ROOT / "migrations" / "env.py").read_text()
    url = database_url()
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url}
    with psycopg.connect(plain, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        upgrades = [subprocess.Popen([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
        try:
            def both_wait():
                """both upgrades wait on the migration lock"""
                return holder.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND classid = %s AND objid = %s", (MIGRATION_LOCK >> 32, MIGRATION_LOCK & 0xFFFFFFFF)
                ).fetchone()[0] == 2
            wait_for(both_wait, seconds=60, every=0.1)
            assert [p.poll() for p in upgrades] == [None, None]
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        outputs = [p.communicate(timeout=120)[0].decode() for p in upgrades]
        assert [p.returncode for p in upgrades] == [0, 0], outputs
        # alembic logs "Running upgrade <from> -> <to>" for each migration it applies
        ran = [output.count("Running upgrade") for output in outputs]
        assert sorted(ran) == [0, len(list((ROOT / "migrations" / "versions").glob("*.py")))], outputs
        assert holder.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
