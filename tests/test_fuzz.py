"""Contract fuzzing: schemathesis generates requests from openapi.yaml and sends them to the app.

Every operation gets valid requests (positive) and invalid ones (negative). A valid request
names existing resources: its path parameters, `dataset_version` and `since` version are drawn
from the real ids of the database (`record_ids`, the versions and exports lists), so it must be
answered 200 (201 for a write), never 404; an invalid one is answered 400 or 404 (an invalid
code or id names nothing). Writes are fuzzed with a valid curator token on a throwaway copy of
the small seed, bodies included: a valid body is written or refused with a documented 4xx, never
a 5xx. `tolerated` names each case the contract cannot express. Every response must also match
the contract: status code, content type, headers and body schema. Cases are derandomized, so a
run is reproducible; set FUZZ_EXAMPLES (`make fuzz`) for a longer run. Runs on SQLite: the fuzz
is about HTTP, and the read path serves both backends from the same in-memory snapshot.
"""
import functools
import os

import pytest
import schemathesis
import yaml
from helpers import ROOT, bearer, record_ids, seed_small, strict
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
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

# Generated from the contract as the tests hold the app to it (helpers.strict): the published spec
# leaves enumerations open for clients (any string), so a "valid" status would be any text.
SCHEMA = schemathesis.openapi.from_dict(strict(yaml.safe_load((ROOT / "openapi.yaml").read_text())))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 25))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXPECTED = {GenerationMode.POSITIVE: {200}, GenerationMode.NEGATIVE: {400, 404}}
# A write of a valid body: created (201), or refused for what JSON Schema cannot say: a record
# that does not fit the data (422: unknown state or source, a date the articles contradict, a
# correction that changes nothing, an Idempotency-Key reused with another body), an id already
# taken (409), and for a correction a missing (428) or stale (412) If-Match.
WRITE_EXPECTED = {GenerationMode.POSITIVE: {201, 409, 412, 422, 428},
                  GenerationMode.NEGATIVE: {400, 404, 409, 412, 415, 422, 428}}
# The rules between fields of one record (api/write/record_schemas.py) that JSON Schema in the
# contract does not state: a valid body may break one and get a 400 naming it.
CROSS_FIELD_RULES = {
    "An unknown date needs a note saying what is unknown.",
    "Only a withdrawal can be held by Article 20(3).",
    "conflict_ended needs armed_conflict_hold: true.",
    "Only an Article 5 deadline can be extended.",
    "An extension_granted needs the new deadline, or a note saying it is unknown.",
    "Only an extension_granted or extension_requested sets a deadline.",
    "The new deadline must be after the decision date.",
    "The deadline requested must be after the request.",
}
# No shrinking: one failing request is reported as generated (shrinking a write replays hundreds).
PHASES = [Phase.explicit, Phase.generate]
UNSAYABLE = {"cursor", "fields", "sort", "from", "to", "country", "treaty", "since"}
# The test client does not decompress; gzip has its own tests (test_http_cache.py).
HEADERS = {"Accept-Encoding": "identity"}
# Which real ids each path parameter takes, per table of /api/v1/revisions/{table}/{id}.
COLLECTIONS = {"treaty-actions": "treaty_action", "policy-positions": "policy_position",
               "obligation-events": "obligation_event", "sources": "source"}


def tolerated(case, response, mode) -> bool:
    """Where the contract cannot say everything, and the app's answer is still right."""
    if mode is GenerationMode.POSITIVE and response.status_code == 400 and case.method == "POST":
        # The contract's bodies do not forbid other properties, the app refuses them by name
        # ("Unknown field."); the cross-field rules above; and text the BadRequest response
        # describes as refused: a control character or lone surrogate, nesting deeper than 4.
        reasons = {p["reason"] for p in response.json()["invalid-params"]}
        unclean = {r for r in reasons if r.startswith(("Contains a control character or a lone surrogate (U+",
                                                          "it is nested deeper than 4 levels"))}
        return reasons - unclean <= CROSS_FIELD_RULES | {"Unknown field."}
    if mode is GenerationMode.POSITIVE and response.status_code == 400:
        # A cursor is opaque, `fields`/`sort` take names from a list the contract leaves to the
        # 400 itself, and `from` may not be after `to`, which JSON Schema cannot say: a made-up
        # value is well-formed, and rightly refused naming it. So are the change feed's filters, whose
        # values come from the data: a `country` code, a `treaty` slug, a `since` dataset version.
        return {p["name"] for p in response.json()["invalid-params"]} <= UNSAYABLE
    if response.status_code == 304:
        # The contract declares If-None-Match and If-Modified-Since: a generated `*` or past date
        # rightly gets a 304 (the checks above already held it to the declared 304 response).
        return bool({"If-None-Match", "If-Modified-Since"} & set(case.headers or {}))
    if mode is GenerationMode.NEGATIVE and response.status_code in (200, 201):  # a read, or a write done
        # Exactly two invalid requests are valid once sent: an invalid X-Request-ID is replaced
        # by a generated one, never refused (traffic.py); and a query parameter generated as an
        # empty list is not sent at all (when every other value is valid, so is the request).
        return not REQUEST_ID.match((case.headers or {}).get("X-Request-ID", "valid")) \
            or [] in (case.query or {}).values()
    return False


def cases():
    for operation in OPERATIONS:
        yield pytest.param(operation, GenerationMode.POSITIVE, id=f"{operation.label} positive")
        if operation.query or operation.path_parameters or operation.body:  # else nothing to get wrong
            yield pytest.param(operation, GenerationMode.NEGATIVE, id=f"{operation.label} negative")


def needs_token(operation) -> bool:
    return any("bearer" in scheme for scheme in operation.definition.raw.get("security", []))


@functools.cache
def real_values(app) -> dict[str, list[str]]:
    """Existing values for each parameter that names something: path parameters by name (and,
    for `id`, by the collection or table in the path), the dataset versions, the export files."""
    ids, client = record_ids(app), app.test_client()
    versions = [v["version"] for v in client.get("/api/v1/dataset/versions").json["items"]]
    exports = client.get("/api/v1/exports").json
    assert ids["state"] and ids["treaty"] and versions, "the fuzz needs a seeded database"
    return {"code": ids["state"] + [code.lower() for code in ids["state"]], "slug": ids["treaty"],
            "name": [f"{t['name']}.{fmt}" for t in exports["tables"] for fmt in t["files"]] + ["datapackage.zip"],
            "table": list(ids), "treaty": ids["treaty"], "dataset_version": versions, "since": versions, **ids}


def with_real_values(operation, strategy, values):
    """`strategy` with every path parameter, and every generated dataset_version (and version
    `since`), replaced by a real one: a valid request then names an existing resource."""
    path = {p.name for p in operation.path_parameters}
    query = {"dataset_version", "treaty"} | ({"since"} if operation.path.endswith("/dataset/changes") else set())
    collection = next((table for prefix, table in COLLECTIONS.items() if f"/{prefix}/" in operation.path), None)

    def choose(case):
        choices = {name: st.sampled_from(values[collection or name] if name == "id" else values[name])
                   for name in path if name != "id" or collection}
        if "table" in path:  # /revisions/{table}/{id}: an id of that table
            choices = {"pair": st.sampled_from([(t, i) for t in values["table"] for i in values[t]])}
        choices |= {name: st.sampled_from(values[name]) for name in query & set(case.query or {})}
        return st.fixed_dictionaries(choices).map(lambda chosen: replaced(case, chosen))

    return strategy.flatmap(choose) if path or query else strategy


def replaced(case, chosen):
    if "pair" in chosen:
        case.path_parameters["table"], case.path_parameters["id"] = chosen.pop("pair")
    for name, value in chosen.items():
        if name in case.path_parameters:
            case.path_parameters[name] = value
        else:
            case.query[name] = value
    return case


def negated(case) -> str | None:
    """The parameter a negative case made invalid (None when schemathesis does not say)."""
    return getattr(getattr(case.meta.phase, "data", None), "parameter", None) if case.meta else None


def fuzz(app, operation, mode, expected, headers):
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = with_real_values(operation, strategy, real_values(app))

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, phases=PHASES,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case):
        allowed = expected
        if headers and negated(case) == "Authorization":  # the invalid part is the token: sent as generated
            allowed = {401}
        else:
            case.headers = {**(case.headers or {}), **headers}  # the token replaces any generated Authorization
        response = case.call(app=app, headers=HEADERS)
        case.validate_response(response, checks=CHECKS)
        assert response.status_code in allowed or tolerated(case, response, mode), \
            f"{response.status_code} {response.text[:300]} for {case.as_curl_command()}"

    check()


@pytest.fixture
def sqlite_app(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the fuzz runs once, on SQLite")
    return app


@pytest.fixture
def throwaway_app(empty_app):
    """The small seed on a fresh database of its own, and a curator's token: writes land here."""
    if not empty_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the fuzz runs once, on SQLite")
    seed_small(empty_app)
    # The small seed has no obligation event: one to correct (test data, as in test_obligations.py).
    event = {"id": "apmbc-ca-art4-completed", "state": "CA", "article": 4, "kind": "completed",
             "date": "1999-05-01", "confidence": "confirmed_secondary", "sources": ["t-untc-status"]}
    created = empty_app.test_client().post("/api/v1/obligation-events", json=event, headers=bearer("curator"))
    assert created.status_code == 201, created.json
    return empty_app


READS = [c for c in cases() if not needs_token(c.values[0])]
WRITES = [c for c in cases() if needs_token(c.values[0])]


METRICS_TOKEN = "fuzz-metrics-token"


@pytest.mark.parametrize("operation, mode", READS)
def test_generated_reads_get_answers_that_keep_the_contract(sqlite_app, app_factory, operation, mode):
    if operation.path == "/metrics":  # off (404) unless configured: fuzzed as its scraper calls it
        scraped = app_factory(METRICS_TOKEN=METRICS_TOKEN)
        fuzz(scraped, operation, mode, EXPECTED[mode], {"Authorization": f"Bearer {METRICS_TOKEN}"})
        return
    fuzz(sqlite_app, operation, mode, EXPECTED[mode], {})


@pytest.mark.parametrize("operation, mode", WRITES)
def test_generated_writes_with_a_curators_token_keep_the_contract(throwaway_app, operation, mode):
    if operation.method.upper() == "POST":
        fuzz(throwaway_app, operation, mode, WRITE_EXPECTED[mode], bearer("curator"))
    else:  # GET /api/v1/tokens: an admin's read
        fuzz(throwaway_app, operation, mode, EXPECTED[mode], bearer("admin"))


@pytest.mark.parametrize("operation", [c.values[0] for c in WRITES if c.values[1] is GenerationMode.POSITIVE])
def test_operations_that_need_a_token_refuse_a_request_without_one(sqlite_app, operation):
    fuzz(sqlite_app, operation, GenerationMode.POSITIVE, {401}, {})


def test_linked_requests_keep_the_contract(sqlite_app):
    """Stateful: follow the contract's links (a list's first item, in the same dataset version)."""
    class Linked(SCHEMA.as_state_machine()):
        def call(self, case, **kwargs):
            return case.call(app=sqlite_app, headers=HEADERS)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Linked.run(settings=settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                                 stateful_step_count=4, suppress_health_check=list(HealthCheck)))
