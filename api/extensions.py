"""Extension singletons, wired to the app in create_app(), and the options that bound how long they
may wait on the database and on Redis (read from the settings)."""
from typing import TYPE_CHECKING, Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# The base of the models: db.Model at run time; mypy sees the declarative base it is built on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def engine_options(url: str, config) -> dict:
    """SQLAlchemy engine options for `url`: bounded waits, so that a database that is down, hung or
    busy costs a request seconds, not minutes."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        # psycopg's connect_timeout is whole seconds, at least 2. Keepalives end connections to a
        # vanished server (the kernel would otherwise wait for ~15 minutes of retransmissions).
        options["connect_args"] = {"connect_timeout": max(2, round(config["DATABASE_CONNECT_TIMEOUT"])),
                                   "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                                   "keepalives_count": 3}
    return options


def storage_options(uri: str, timeout: float) -> dict:
    """Options for the rate limiter's storage: Redis sockets time out in `timeout` seconds and are
    not retried (redis-py retries 3 times by default, 5 s each), so a refused or hung Redis costs a
    request at most about `timeout` before the limiter falls back to per-process counters."""
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 0),
            "health_check_interval": 0}
