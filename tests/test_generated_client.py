"""A client generated from openapi.yaml by openapi-python-client works unmodified against the
API, and keeps working when a response gains a field or an enumeration gains a value (the
additive changes /api/v1 allows: info.description, "Compatibility, changes and deprecation")."""
from __future__ import annotations

import datetime
import importlib
import json
import os
import re
import subprocess
import sys

import pytest
from helpers import ROOT, serving

pytestmark = pytest.mark.slow  # generates and imports a whole client package (seconds)
GENERATOR = ROOT / ".venv" / "bin" / "openapi-python-client"
# What openapi-python-client cannot model is a body that is not JSON: it says so, and leaves the
# response out of the client. Any other warning is a defect of the spec.
NOT_JSON = {"application/yaml", "application/atom+xml", "text/csv", "text/markdown", "text/html",
            "application/x-ndjson", "application/zip", "application/vnd.apache.parquet"}
ADDED_FIELD, ADDED_VALUE = "added_later", "a_value_added_later"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated package (imported as `treaty_client`) and what the generator printed."""
    if not GENERATOR.exists():
        pytest.fail("openapi-python-client is not installed: make install-dev")
    out = tmp_path_factory.mktemp("generated")
    result = subprocess.run([str(GENERATOR), "generate", "--path", str(ROOT / "openapi.yaml"), "--meta", "none",
                             "--output-path", str(out / "treaty_client")], capture_output=True, text=True,
                            env={**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ['PATH']}"},
                            stdin=subprocess.DEVNULL, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("treaty_client"), result.stdout + result.stderr
    finally:
        sys.path.remove(str(out))
        for name in [name for name in sys.modules if name.split(".")[0] == "treaty_client"]:
            del sys.modules[name]


def test_the_generator_warns_only_about_bodies_that_are_not_json(generated):
    _package, output = generated
    warnings = output.split("WARNING")[1:]
    assert "Error" not in output and "Unable to" not in output, output
    skipped = [re.search(r"Unsupported content_type ([\w/.+-]+)", warning) for warning in warnings]
    assert all(skipped), warnings
    assert {match.group(1) for match in skipped if match} <= NOT_JSON


def grown(body):
    """`body` as a later /api/v1 could send it: every object has one more member, and every
    `status` (an extensible enumeration) a value this contract does not list."""
    if isinstance(body, dict):
        return {**{key: ADDED_VALUE if key == "status" and isinstance(value, str) else grown(value)
                   for key, value in body.items()}, ADDED_FIELD: 1}
    if isinstance(body, list):
        return [grown(item) for item in body]
    return body


def growing(app):
    """A WSGI app that answers like `app`, with every JSON body grown."""
    def wsgi(environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)

        body = b"".join(app(dict(environ, HTTP_ACCEPT_ENCODING="identity"), capture))
        headers = captured["headers"]
        if dict(headers).get("Content-Type", "").startswith("application/json"):
            body = json.dumps(grown(json.loads(body))).encode()
            headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "etag")]
            headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]
    return wsgi


@pytest.mark.parametrize("grow", [False, True], ids=["as-sent", "grown"])
def test_the_generated_client_reads_answers_and_grown_answers(generated, app, grow):
    assert generated[0].__name__ == "treaty_client"
    client_module = importlib.import_module("treaty_client.client")
    get_country = importlib.import_module("treaty_client.api.countries.get_country")
    get_status = importlib.import_module("treaty_client.api.countries.get_country_status")
    list_countries = importlib.import_module("treaty_client.api.countries.list_countries")
    status_type = importlib.import_module("treaty_client.models.status_type_0").StatusType0
    with serving(growing(app) if grow else app) as base:
        client = client_module.Client(base_url=base, raise_on_unexpected_status=True)
        country = get_country.sync_detailed("FI", client=client)
        status = get_status.sync_detailed("FI", client=client, as_of=datetime.date(2026, 6, 1))
        countries = list_countries.sync_detailed(client=client, limit=3)
    assert country.status_code == status.status_code == countries.status_code == 200
    parsed = [country.parsed, status.parsed, countries.parsed]
    assert all(type(answer).__name__ != "Problem" for answer in parsed), parsed
    # Finland's withdrawal took effect on 2026-01-10 (seed_data/treaty_actions/apmbc.yaml)
    if grow:
        assert status.parsed.status == ADDED_VALUE and not isinstance(status.parsed.status, status_type)
        for answer in (country.parsed, status.parsed, countries.parsed, countries.parsed.items[0]):
            assert answer.additional_properties[ADDED_FIELD] == 1
    else:
        assert status.parsed.status == status_type("withdrawn")
        assert country.parsed.iso3 == "FIN"
        assert len(countries.parsed.items) == 3
