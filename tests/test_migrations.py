"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

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
