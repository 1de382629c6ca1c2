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
