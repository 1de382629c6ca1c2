import logging
from logging.config import fileConfig

from alembic import context
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

# Every instance may run `flask db upgrade` at start: on PostgreSQL the migrations run under this
# transaction-level advisory lock, so a second upgrade waits for the first to commit, then reads
# the new alembic_version and finds nothing to do (docs/deploy.md). Any fixed 64-bit number works;
# this one is the ASCII of "treatymi".
MIGRATION_LOCK = 0x7472656174796D69

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)  # keep the app's loggers
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def is_downgrade(current: tuple[str, ...], target: str | None) -> bool:
    """Whether moving from `current` to `target` goes back: to base (None), relatively, or to an ancestor."""
    if not current or target in ("head", "heads") or (target or "").startswith("+"):
        return False
    if target in (None, "base") or target.startswith("-") or "@-" in target:
        return True
    script = ScriptDirectory.from_config(config)
    destination = script.get_revision(target)
    ancestors = {r.revision for head in current for r in script.iterate_revisions(head, "base")}
    return destination is None or (destination.revision in ancestors and destination.revision not in current)


def refuse_unconfirmed_downgrade(current: tuple[str, ...]) -> None:
    """Every downgrade here drops tables or columns, and with them data that no upgrade brings
    back: run one only when asked in words (`flask db downgrade -x data-loss=yes`)."""
    if is_downgrade(current, context.get_revision_argument()) and \
            context.get_x_argument(as_dictionary=True).get("data-loss") != "yes":
        raise SystemExit("Refusing to downgrade: it drops tables or columns and their data. "
                         "Back up first (docs/operations.md), then run "
                         "`flask db downgrade -x data-loss=yes`.")


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )
        refuse_unconfirmed_downgrade(context.get_context().get_current_heads())

        with context.begin_transaction():
            if connection.dialect.name == "postgresql":  # before the current revision is read
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
