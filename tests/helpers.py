"""Helpers shared by test modules: paths, the contract-checking client, app and seed helpers,
and the records, tokens and counts of tests that write through the API.

Fixtures live in conftest.py (which imports these); test modules import from here, never from
conftest or from another test module.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import socket
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
import yaml
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from api import create_app
from api.extensions import db
from api.models import DatasetVersion, PolicyPosition, RecordRevision, Source, TreatyAction
from api.routes import tokens
from api.write.records import MODELS
from api.write.seed import apply_seed
from api.write.seed_files import read_seed

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seed_data"
SMALL_SEED_DIR = Path(__file__).parent / "fixtures" / "seed_small"
ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NOT_TESTED = "NOT TESTED"  # conftest.py repeats these skips at the end of the run
def strict(document: dict) -> dict:
    """The contract as the tests hold the app to it: response objects closed (no member the spec
    does not name) and extensible enumerations closed (only their listed values). The published
    spec leaves both open, so that clients accept added fields and values; the app itself must
    still document every field and value it sends."""
    for schema in list(_schemas(document)):
        if schema.get("x-extensible-enum") is True and "anyOf" in schema:
            schema.update(schema.pop("anyOf")[0])  # the listed values; the open branch goes
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


def require(variable: str, missing: str, **skip) -> NoReturn:
    """Something the tests need is missing: a failure when `variable` is set (CI), else a skip
    that says loudly what did not run (and is repeated at the end of the run)."""
    __tracebackhide__ = True  # report the caller's line, not this one
    if os.environ.get(variable):
        pytest.fail(f"{variable} is set, but {missing}", pytrace=False)
    pytest.skip(f"{NOT_TESTED}: {missing} (set {variable}=1 to make this a failure)", **skip)


def make_app(url: str, **config):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SEED_DIR": str(SEED_DIR),
                      "VERSION_CHECK_SECONDS": 0, "RATELIMIT_ENABLED": False, **config})
    app.test_client_class = ContractClient
    return app


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


def database_checksum(app) -> str:
    """A hash of every row of every table (dataset versions included): equal means nothing was written."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(db.select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{len(rows)}:{rows!r}".encode())
        db.session.remove()
    return digest.hexdigest()


# Tests that write through the API: records to post, a seeded database, tokens, row counts.

CA_WITHDRAWAL = {"id": "apmbc-ca-withdrawal", "state": "CA", "kind": "withdrawal", "date": "2026-02-10",
                 "effective": "2026-08-10", "confidence": "confirmed_primary", "sources": ["t-untc-status"]}
US_POSITION = {"id": "us-2026-03-01-use", "state": "US", "dimension": "use", "position": "prohibited",
               "summary": "The US prohibits the use of anti-personnel mines.", "effective": "2026-03-01",
               "confidence": "single_source", "sources": ["us-thehill-2022"]}
NEW_SOURCE = {"id": "t-untc-cn-1-2026", "url": "https://treaties.un.org/doc/Publication/CN/2026/CN.1.2026-Eng.pdf",
              "title": "Canada: withdrawal", "publisher": "United Nations", "published": "2026-02-10",
              "accessed": "2026-11-28"}


def seed_small(app) -> None:
    apply_seed(read_seed(SMALL_SEED_DIR))
    db.session.commit()


def bearer(scope: str = "curator", name: str | None = None, **options) -> dict:
    _, secret = tokens.create(name or f"{scope}-{db.session.query(tokens.Token).count()}", scope, **options)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def counts() -> dict:
    """How many rows each written table has: a write that fails must change none."""
    return {model.__name__: db.session.query(model).count()
            for model in (TreatyAction, PolicyPosition, Source, RecordRevision, DatasetVersion)}


def postgres_url(name: str) -> str:
    """The URL of database `name` on the test server."""
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def admin_sql(sql: str) -> None:
    """Run one statement on the test server's admin database (CREATE/DROP DATABASE)."""
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


BIN = Path(sys.executable).parent


def wait_for(condition, seconds: float = 30, every: float = 0.05):
    """Poll `condition` until it returns something truthy; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    pytest.fail(f"not true within {seconds}s: {condition.__doc__ or condition}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def record_ids(app) -> dict[str, list[str]]:
    """The ids of every record in `app`'s database, per table (as /api/v1/revisions names tables):
    real values for requests that must name an existing resource."""
    with app.app_context():
        ids = {}
        for table, model in MODELS.items():
            (key,) = model.__table__.primary_key.columns
            ids[table] = sorted(str(value) for value in db.session.scalars(db.select(key)))
        db.session.remove()
    return ids


# The one clock (api/read/clock.py): every default `as_of`, cache key and page reads "today" from
# clock.now. Tests that depend on today freeze it with the `frozen_clock` fixture at this moment:
# noon UTC on 2026-12-03, the date of the CHANGELOG section of this release.
FROZEN_NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
