"""Hostile input: each request gets a 4xx problem naming what is wrong, never a 5xx, and
leaves the database exactly as it was. Runs on SQLite and PostgreSQL.

Regressions found by the fuzz and by this catalogue are kept here: empty `dataset_version=`,
`fields=` and `sort=` and control characters, which the contract allowed and the app refuses
(the contract now says so); NUL in `dataset_version` (a 500 on PostgreSQL); raw non-UTF-8
query bytes (a crash while writing the error); an invalid X-Request-ID (replaced, not refused).
"""
import re

import pytest
from flask.testing import FlaskClient
from helpers import SPEC, database_checksum

pytestmark = pytest.mark.slow  # every request hashes the whole database before and after

PROBLEM = SPEC.spec / "components" / "schemas" / "Problem"
LONG = "x" * 20_000


@pytest.fixture
def raw(app):
    """A client without contract validation, for methods and statuses the contract cannot list."""
    before = database_checksum(app)
    yield FlaskClient(app, app.response_class)
    assert database_checksum(app) == before


@pytest.fixture
def client(app):
    before = database_checksum(app)
    yield app.test_client()
    assert database_checksum(app) == before


def assert_problem(response, status: int, *mentions: str) -> dict:
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert set(body) >= {"type", "title", "status", "detail"}
    for mention in mentions:
        assert mention in body["detail"], (mention, body["detail"])
    return body


@pytest.mark.parametrize("url, status, mentions", [
    (f"/api/v1/countries?q={LONG}", 400, ["q: Length must be between 1 and 100"]),
    (f"/api/v1/countries/FI/status?as_of={LONG}", 400, ["as_of: Not a valid date"]),
    (f"/api/v1/countries/{LONG}", 404, ["No country"]),
    ("/api/v1/countries?q=%ff%fe", 400, ["q: Not valid UTF-8"]),
    ("/api/v1/countries?q=%00", 400, ["q: Contains a control character"]),
    ("/api/v1/countries/FI?dataset_version=%00", 400, ["dataset_version: Contains a control character"]),
    ("/api/v1/countries/FI?dataset_version=", 400, ["dataset_version: Length must be between 1 and 40"]),
    ("/api/v1/countries?fields=", 400, ["fields: Length must be between 1 and 500"]),
    ("/api/v1/countries?sort=", 400, ["sort: Length must be between 1 and 100"]),
    ("/api/v1/countries?treaty=%1F", 400, ["treaty: Contains a control character"]),
    ("/api/v1/countries/FI%00", 404, ["No country"]),
    ("/api/v1/countries/FI'%20OR%20'1'='1", 404, ["No country \"FI' OR '1'='1\""]),
    ("/api/v1/countries?q=%27%3B%20DROP%20TABLE%20state%3B--", 200, []),
    ("/api/v1/countries/FI?dataset_version=x'%20OR%201=1--", 404, ["No dataset version"]),
    ("/api/v1/countries/FI/status?as_of=2021-02-30", 400, ["as_of: Not a valid date; use YYYY-MM-DD"]),
    ("/api/v1/countries/FI/status?as_of=99999-01-01", 400, ["as_of: Not a valid date"]),
    ("/api/v1/countries/FI/status?as_of=0000-01-01", 400, ["as_of: Not a valid date"]),
    ("/api/v1/countries/FI/status?as_of=-1", 400, ["as_of: Not a valid date"]),
    ("/api/v1/countries/FI/status?as_of=99999999999999999999", 400, ["as_of: Not a valid date"]),
    ("/api/v1/countries?limit=-1", 400, ["limit: "]),
    ("/api/v1/countries?limit=0", 400, ["limit: "]),
    ("/api/v1/countries?limit=99999999999999999999", 400, ["limit: "]),
    ("/api/v1/countries?limit=1e400", 400, ["limit: "]),
    ("/api/v1/countries?cursor=..%2F..%2F", 400, ["cursor: "]),
    ("/api/v1/countries?foo=1", 400, ["foo: Unknown parameter; valid parameters: as_of, cursor"]),
    ("/api/v1/countries?as_of=2020-01-01&as_of=2021-01-01", 400, ["as_of: given more than once"]),
    ("/api/v1/treaties?status=state_party", 400, ["status: Unknown parameter"]),
])
def test_hostile_query_gets_a_problem_naming_it(client, url, status, mentions):
    response = client.get(url)
    if status == 200:  # SQL in a search term is text to search for, nothing more
        assert response.get_json()["count"] == 0
        return
    assert_problem(response, status, *mentions)


def test_raw_non_utf8_bytes_in_the_query_are_a_400(raw):
    response = raw.get("/api/v1/countries", environ_overrides={"QUERY_STRING": "q=\xff\xfe"})
    body = assert_problem(response, 400, "q: Not valid UTF-8")
    assert body["invalid-params"] == [{"name": "q", "reason": body["detail"].split(": ", 1)[1]}]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
def test_other_methods_are_405_with_allow(raw, method):
    response = raw.open("/api/v1/countries/FI", method=method)
    body = assert_problem(response, 405, "method is not allowed")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert body["allowed"] == ["GET", "HEAD", "OPTIONS"]


def test_a_body_over_the_limit_is_413(raw, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = raw.post("/api/v1/countries", data=b"x" * (limit + 1), content_type="application/json")
    body = assert_problem(response, 413, f"the limit is {limit}")
    assert body["limit"] == limit


@pytest.mark.parametrize("content_type", ["application/xml", "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_on_a_read_is_415_naming_its_type(raw, content_type):
    response = raw.get("/api/v1/countries", data="as_of=2020-01-01", content_type=content_type)
    assert_problem(response, 415, f"A GET request takes no body (got {content_type})")


@pytest.mark.parametrize("url, mention", [  # the contract validator resolves `..` itself: raw client
    ("/api/v1/sources/..%2F..%2F..%2Fetc%2Fpasswd", "The requested URL was not found"),
    ("/api/v1/countries/..%2F..%2Fopenapi.yaml", "The requested URL was not found"),
    ("/api/v1/sources/..%5C..%5Cwsgi.py", "No source '..\\\\..\\\\wsgi.py'"),
    ("/api/v1/treaties/....", "No treaty '....'"),
])
def test_path_traversal_is_a_404_naming_the_value(raw, url, mention):
    assert_problem(raw.get(url), 404, mention)


def test_unknown_paths_are_problems_too(raw):
    for url in ("/../../etc/passwd", "/static/..%2f..%2fwsgi.py", "/api/v2/countries"):
        assert_problem(raw.get(url), 404)


def test_an_invalid_request_id_is_replaced_not_refused(client):
    response = client.get("/api/v1/treaties", headers={"X-Request-ID": "no spaces; " + "x" * 200})
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
