"""Fixtures: every app test runs on SQLite, and on PostgreSQL when one is reachable.

PostgreSQL: TEST_DATABASE_URL names a server (default: the local one). Each run creates its
own databases and drops them at the end. With REQUIRE_POSTGRES=1 (CI) an unreachable
server is a failure, not a skip. Every response a `client` receives is validated
against openapi.yaml.
"""
from __future__ import annotations

import gzip
import io
import json
import contextlib
import os
import shutil
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.wrappers import Response
from flask_migrate import upgrade
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from api import create_app
from api.extensions import db
from api.write.seed import apply_seed
from api.write.seed_files import read_seed

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seed_data"
SMALL_SEED_DIR = Path(__file__).parent / "fixtures" / "seed_small"
ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def strict(document: dict) -> dict:
    """The contract as the tests hold the app to it: response objects closed (no member the spec
    does not name). The published spec leaves them open, so that clients accept added fields;
    the app itself must still document every field it sends."""
    composed = {part["$ref"].rsplit("/", 1)[1] for schema in _schemas(document) for part in schema.get("allOf", [])
                if "$ref" in part}

    def close(schema: dict) -> None:
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for child in (*schema.get("properties", {}).values(), schema.get("items")):
            if isinstance(child, dict):
                close(child)

    for name, schema in document["components"]["schemas"].items():
        if name not in composed and not name.endswith("In") and name != "Cited":
            close(schema)
    for item in document["paths"].values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    if "schema" in media:
                        close(media["schema"])
    return document


def _schemas(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


SPEC = OpenAPI.from_dict(strict(yaml.safe_load((ROOT / "openapi.yaml").read_text())), config=Config(
    extra_media_type_deserializers={"application/problem+json": json.loads}))


class ContractClient(FlaskClient):
    """A test client that checks every response against the OpenAPI contract."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        body = json.dumps(kwargs["json"]) if "json" in kwargs else kwargs.get("data")
        if isinstance(body, (str, bytes)):  # the app read the body: give the validator a fresh copy
            response.request.environ["wsgi.input"] = io.BytesIO(body.encode() if isinstance(body, str) else body)
            response.request.__dict__.pop("stream", None)
        checked = response
        if response.headers.get("Content-Encoding") == "gzip":
            checked = Response(gzip.decompress(response.data), response.status, response.headers)
        SPEC.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(checked))
        return response


def _postgres_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A URL factory for fresh, empty databases of one backend, dropped at the end."""
    created = []

    def make() -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        name = f"treaty_test_{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE DATABASE "{name}"')
        created.append(name)
        return _postgres_url(name)

    if request.param == "postgresql":
        try:
            _admin("SELECT 1")
        except psycopg.OperationalError as error:
            if os.environ.get("REQUIRE_POSTGRES"):
                pytest.fail(f"PostgreSQL is required but unreachable at {ADMIN_URL}: {error}")
            pytest.skip(f"PostgreSQL unreachable at {ADMIN_URL}")
    yield make
    for name in created:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str, **config):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SEED_DIR": str(SEED_DIR),
                      "VERSION_CHECK_SECONDS": 0, "RATELIMIT_ENABLED": False, **config})
    app.test_client_class = ContractClient
    return app


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


@pytest.fixture
def empty_app(database_url):
    """A fresh app on an empty, migrated database, for tests that write."""
    app = make_app(database_url())
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def seed_dir(tmp_path):
    """A private copy of the small seed, for tests that edit files."""
    target = tmp_path / "seed"
    shutil.copytree(SMALL_SEED_DIR, target)
    return target


def seed(app, seed_dir, *args):
    """Run `flask seed` on `seed_dir`; returns the CLI result."""
    return app.test_cli_runner().invoke(args=["seed", "--seed-dir", str(seed_dir), *args])


def edit(path, record_id, **changes):
    """Change fields of one record in a seed file."""
    records = yaml.safe_load(path.read_text())
    for record in records:
        if record.get("id") == record_id:
            record.update(changes)
    path.write_text(yaml.safe_dump(records, sort_keys=False))


@contextlib.contextmanager
def serving(app):
    """`app` behind a real threaded HTTP server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
