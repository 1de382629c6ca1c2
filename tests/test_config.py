"""api/config.py: settings read from the environment."""
import os
import subprocess

import psycopg
import pytest
from helpers import BIN, ROOT

from api.config import database_url


@pytest.mark.parametrize("given, used", [
    # postgres:// is the scheme Heroku and others hand out; SQLAlchemy has no dialect of that name
    ("postgres://ann:pw@db.example:5432/treaty", "postgresql+psycopg://ann:pw@db.example:5432/treaty"),
    ("postgresql://ann@db.example/treaty", "postgresql+psycopg://ann@db.example/treaty"),
    ("postgresql+psycopg://ann@db.example/treaty", "postgresql+psycopg://ann@db.example/treaty"),
    ("sqlite:////srv/treaty/treaty.db", "sqlite:////srv/treaty/treaty.db"),
])
def test_database_urls_are_given_the_psycopg_3_driver(given, used):
    assert database_url(given) == used


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_postgres_url_in_the_environment_reaches_the_database(database_url):
    """DATABASE_URL=postgres://... as a platform sets it: `flask db upgrade` migrates that database."""
    url = database_url()  # postgresql://user@host:port/name
    assert url.startswith("postgresql://")
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": "postgres://" + url.removeprefix("postgresql://")}
    env.pop("DATABASE_READ_URL", None)
    done = subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
