"""Contract fuzzing: schemathesis generates requests from openapi.yaml and sends them to the app.

Every operation gets valid requests (positive: answered 200, or 404 for a code or version
that does not exist, never rejected) and invalid ones (negative: answered 400 or 404). Each
response must not be a server error and must match the contract: status code, content
type, headers and body schema. Cases are derandomized, so a run is reproducible; set
FUZZ_EXAMPLES (`make fuzz`) for a longer run. Runs on SQLite: the fuzz is about HTTP, and
the read path serves both backends from the same in-memory snapshot.
"""
import os

import pytest
import schemathesis
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.middleware.traffic import REQUEST_ID

pytestmark = pytest.mark.slow

SCHEMA = schemathesis.openapi.from_path(ROOT / "openapi.yaml")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 25))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXPECTED = {GenerationMode.POSITIVE: {200, 404}, GenerationMode.NEGATIVE: {400, 404}}
UNSAYABLE = {"cursor", "fields", "sort", "from", "to"}
# The test client does not decompress; gzip has its own tests (test_http_cache.py).
HEADERS = {"Accept-Encoding": "identity"}


def tolerated(case, response, mode) -> bool:
    """Where the contract cannot say everything, and the app's answer is still right."""
    if mode is GenerationMode.POSITIVE and response.status_code == 400:
        # A cursor is opaque, `fields`/`sort` take names from a list the contract leaves to the
        # 400 itself, and `from` may not be after `to`, which JSON Schema cannot say: a made-up
        # value is well-formed, and rightly refused naming it.
        return {p["name"] for p in response.json()["invalid-params"]} <= UNSAYABLE
    if response.status_code == 304:
        # The contract declares If-None-Match and If-Modified-Since: a generated `*` or past date
        # rightly gets a 304 (the checks above already held it to the declared 304 response).
        return bool({"If-None-Match", "If-Modified-Since"} & set(case.headers or {}))
    if mode is GenerationMode.NEGATIVE and response.status_code == 200:
        # An invalid X-Request-ID is replaced by a generated one, never refused (traffic.py);
        # a parameter generated as an empty list is not sent at all, so the request is valid.
        return not REQUEST_ID.match((case.headers or {}).get("X-Request-ID", "valid")) \
            or [] in (case.query or {}).values()
    return False


def cases():
    for operation in OPERATIONS:
        yield pytest.param(operation, GenerationMode.POSITIVE, id=f"{operation.label} positive")
        if operation.query or operation.path_parameters or operation.body:  # else nothing to get wrong
            yield pytest.param(operation, GenerationMode.NEGATIVE, id=f"{operation.label} negative")


def expected(operation, mode) -> set[int]:
    # Operations that need a token are fuzzed without one (the shared database stays
    # read-only): every one is refused.
    # (Every /api/ operation lists 401, for an unknown X-API-Key, which the fuzzer does not send.)
    needs_token = any("bearer" in scheme for scheme in operation.definition.raw.get("security", []))
    return {401} if needs_token else EXPECTED[mode]


@pytest.fixture
def sqlite_app(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the fuzz runs once, on SQLite")
    return app


@pytest.mark.parametrize("operation, mode", list(cases()))
def test_generated_requests_get_answers_that_keep_the_contract(sqlite_app, operation, mode):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case):
        response = case.call(app=sqlite_app, headers=HEADERS)
        case.validate_response(response, checks=CHECKS)
        assert response.status_code in expected(operation, mode) or tolerated(case, response, mode), \
            (case.as_curl_command(), response.text[:300])

    check()


def test_linked_requests_keep_the_contract(sqlite_app):
    """Stateful: follow the contract's links (a list's first item, in the same dataset version)."""
    class Linked(SCHEMA.as_state_machine()):
        def call(self, case, **kwargs):
            return case.call(app=sqlite_app, headers=HEADERS)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Linked.run(settings=settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                                 stateful_step_count=4, suppress_health_check=list(HealthCheck)))
