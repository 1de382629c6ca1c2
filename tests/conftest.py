"""Fixtures: every app test runs on SQLite, and on PostgreSQL when one is reachable.

PostgreSQL: TEST_DATABASE_URL names a server (default: the local one). Each run creates its
own databases and drops them at the end. With REQUIRE_POSTGRES=1 (CI) an unreachable
server is a failure, not a skip; without it, the skip is repeated at the end of the run
(as are those for a missing Redis or browser: REQUIRE_REDIS, REQUIRE_BROWSER). Every
response a `client` receives is validated against openapi.yaml. Helpers are in helpers.py;
tests/README.md says which fixture to use for what.
"""
from __future__ import annotations

import shutil
import uuid
from collections import Counter

import psycopg
import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from helpers import (
    ADMIN_URL,
    FROZEN_NOW,
    NOT_TESTED,
    SEED_DIR,
    SMALL_SEED_DIR,
    admin_sql,
    make_app,
    postgres_url,
    require,
    seed_small,
)

from api.extensions import db
from api.read import clock
from api.write.seed import apply_seed
from api.write.seed_files import read_seed


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items):
    """Mark the PostgreSQL half, so `-m "not postgres"` runs the SQLite half alone."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)


def pytest_terminal_summary(terminalreporter):
    """Repeat, at the very end, which parts of the suite a missing service kept from running."""
    reasons = Counter(report.longrepr[2].removeprefix("Skipped: ")
                      for report in terminalreporter.stats.get("skipped", [])
                      if isinstance(report.longrepr, tuple) and NOT_TESTED in report.longrepr[2])
    if reasons:
        terminalreporter.write_sep("!", f"{NOT_TESTED}: {sum(reasons.values())} test(s) skipped for a missing service",
                                   red=True, bold=True)
        for reason, count in reasons.items():
            terminalreporter.write_line(f"{count} skipped: {reason}", red=True, bold=True)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A URL factory for fresh, empty databases of one backend, dropped at the end."""
    created = []

    def make() -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        name = f"treaty_test_{uuid.uuid4().hex[:12]}"
        admin_sql(f'CREATE DATABASE "{name}"')
        created.append(name)
        return postgres_url(name)

    if request.param == "postgresql":
        try:
            admin_sql("SELECT 1")
        except psycopg.OperationalError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            require("REQUIRE_POSTGRES", f"PostgreSQL is unreachable at {ADMIN_URL} ({reason}): "
                                        "the whole PostgreSQL half of the suite did not run")
    yield make
    for name in created:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def app(database_url):
    """The app on the real, curated seed data: read-only tests share it."""
    app = make_app(database_url())
    with app.app_context():
        upgrade()
        apply_seed(read_seed(SEED_DIR))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_factory(app):
    """More apps on the session's database with other settings; their pools closed after."""
    made = []

    def make(**config):
        other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **config)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def plain_client(app):
    """A client that does not check the contract: for routes outside it (CORS preflights,
    unknown paths, wrong methods)."""
    return FlaskClient(app, app.response_class, use_cookies=True)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """One SQLite file migrated to the latest revision, which `empty_app` copies."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def empty_app(database_url, request):
    """A fresh app on an empty, migrated database, for tests that write.

    On SQLite the database is a copy of `migrated_sqlite` (the same file `upgrade()` would
    make, without running the migrations for every test); on PostgreSQL it is migrated."""
    url = database_url()
    if url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), url.removeprefix("sqlite:///"))
    app = make_app(url)
    with app.app_context():
        if not url.startswith("sqlite:///"):
            upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def small_app(empty_app):
    """The small seed (tests/fixtures/seed_small/) on a fresh database, for tests that write
    through the API or need a few records they may change."""
    seed_small(empty_app)
    return empty_app


@pytest.fixture
def small_client(small_app):
    return small_app.test_client()


@pytest.fixture
def seed_dir(tmp_path):
    """A private copy of the small seed, for tests that edit files."""
    target = tmp_path / "seed"
    shutil.copytree(SMALL_SEED_DIR, target)
    return target


@pytest.fixture
def frozen_clock(monkeypatch):
    """Freeze "today" for a test that reads the default `as_of` (a status, a page, a cache key):
    clock.now answers `frozen_clock.moment` (FROZEN_NOW until the test moves it), so the test
    answers the same on any day it runs, and can cross a midnight by setting `.moment`."""
    class Frozen:
        moment = FROZEN_NOW

    frozen = Frozen()
    monkeypatch.setattr(clock, "now", lambda: frozen.moment)
    return frozen
