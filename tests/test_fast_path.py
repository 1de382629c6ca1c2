"""The WSGI front door: a repeated read answered without Flask must be the same answer, and
still pay its rate limit, get its request id, its 304 and its gzip."""
import gzip
import http.client
import json
import time
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from helpers import CA_WITHDRAWAL, bearer, make_app, serving

from api.extensions import db
from api.middleware import fast_path
from api.middleware.response_cache import ENTRY_HEADERS, REPLAYED
from api.read import snapshot

PER_REQUEST = {"X-Cache", "X-Request-ID", "RateLimit-Remaining", "RateLimit-Reset", "Date"}
PATH = "/api/v1/countries/FI/status"
URL = f"{PATH}?as_of=2020-01-01"

# Every cached answer is keyed by the day (api/middleware/response_cache.py cache_key), so a hit
# expected across two reads turns into a miss when a run crosses midnight: "today" is frozen.
pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def front(app_factory):
    """Versions checked once a minute, as in production: repeated reads take the front door."""
    return app_factory(VERSION_CHECK_SECONDS=60, RATELIMIT_ENABLED=True, RATELIMIT_ANONYMOUS="5 per minute")


def test_a_repeated_read_is_the_same_answer_from_the_front_door(front):
    client = front.test_client()
    first = client.get(URL)
    front.wsgi_app.inner = lambda *args: pytest.fail("a repeated read went into Flask")
    second, third = client.get(URL), client.get(URL)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert third.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert second.data == first.data
    same = lambda response: {(k, v) for k, v in response.headers.items() if k not in PER_REQUEST}
    assert same(second) == same(first)
    assert second.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_front_door_shares_the_rate_limit_and_does_not_count_304s(front):
    client = front.test_client()
    etag = client.get(URL).headers["ETag"]
    assert client.get(URL).headers["RateLimit-Remaining"] == "3"
    for _ in range(3):
        revalidated = client.get(URL, headers={"If-None-Match": etag})
        assert revalidated.status_code == 304 and revalidated.data == b""
        assert revalidated.headers["X-Cache"] == "hit"
        assert revalidated.headers["RateLimit-Remaining"] == "3"
    assert client.get("/api/v1/treaties").headers["RateLimit-Remaining"] == "2"  # Flask, same budget
    client.get(URL), client.get(URL)
    blocked = client.get(URL)
    assert blocked.status_code == 429 and blocked.content_type == "application/problem+json"
    # a revalidation is not counted, but with nothing left it is refused too, as Flask refuses it
    refused = client.get(URL, headers={"If-None-Match": etag})
    assert refused.status_code == 429 and refused.headers["Retry-After"]


def test_a_worker_that_only_sees_revalidations_answers_them_from_the_front_door(front, app_factory):
    etag = front.test_client().get(URL).headers["ETag"]  # another worker served the 200
    fresh = app_factory(VERSION_CHECK_SECONDS=60).test_client()
    assert fresh.get(URL, headers={"If-None-Match": etag}).status_code == 304  # Flask, learning
    fresh.application.wsgi_app.inner = lambda *args: pytest.fail("a revalidation went into Flask")
    again = fresh.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["X-Cache"] == "hit"
    assert again.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_front_door_gzip_head_and_request_id(front):
    client = front.test_client()
    plain = client.get(URL)
    packed = client.get(URL, headers={"Accept-Encoding": "gzip", "X-Request-ID": "desk-7"})
    assert packed.headers["X-Cache"] == "hit" and packed.headers["X-Request-ID"] == "desk-7"
    assert gzip.decompress(packed.data) == plain.data
    head = FlaskClient(front, front.response_class).head(URL)  # HEAD is not in the contract
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == plain.headers["ETag"]


@pytest.fixture
def flask_calls(front):
    """The paths of the requests the front door handed to Flask (its `inner` app): the proof of
    which layer answered, since both write the same X-Cache values."""
    calls = []
    inner = front.wsgi_app.inner

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    front.wsgi_app.inner = counting
    return calls


@pytest.mark.parametrize("headers, query", [
    ({"Origin": "https://news.example"}, ""),
    ({"If-Modified-Since": "Sat, 01 Jan 2050 00:00:00 GMT"}, ""),
    ({}, "&dataset_version={version}"),  # a pinned version: the front door never answers those
])
def test_requests_needing_more_go_to_flask(front, flask_calls, headers, query):
    client = front.test_client()
    first = client.get(URL)
    assert flask_calls == [PATH]  # a miss: Flask answered and cached it
    assert client.get(URL).headers["X-Cache"] == "hit" and flask_calls == [PATH]  # the control: the front door
    target = URL + query.format(version=first.headers["X-Dataset-Version"])
    if target != URL:  # cached once under its own key, which the front door would find
        assert client.get(target).headers["X-Cache"] == "miss" and flask_calls == [PATH, PATH]
    response = client.get(target, headers=headers)
    assert flask_calls == [PATH] * (3 if target != URL else 2), "the front door answered a request it leaves to Flask"
    if "Origin" in headers:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    elif headers:
        assert response.status_code == 304
    else:
        assert response.status_code == 200 and response.data == first.data


def test_a_chunked_body_on_a_cached_read_is_refused_by_flask(front, flask_calls):
    """A GET whose body comes chunked (no Content-Length) is a 415, as one with a length is,
    even when the same URL's answer is cached: the front door hands it to Flask. Sent through a
    real HTTP server, which is what turns a chunked body into a WSGI request without a length."""
    client = front.test_client()
    assert client.get(URL).status_code == 200 and client.get(URL).headers["X-Cache"] == "hit"
    assert flask_calls == [PATH]
    with serving(front) as base:
        connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
        connection.request("GET", URL, body=iter([b"as_of=", b"2020-01-01"]),
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, encode_chunked=True)
        sent = connection.getresponse()
        body = json.loads(sent.read())
        connection.close()
    assert (sent.status, sent.getheader("Content-Type")) == (415, "application/problem+json")
    assert body["detail"].startswith("A GET request takes no body (got application/x-www-form-urlencoded)")
    assert flask_calls == [PATH, PATH]


def test_the_fast_path_was_reviewed_against_the_apps_hooks(app_factory):
    """A cached answer skips every request hook: a hook added, removed or reordered needs the
    fast path reviewed (api/middleware/fast_path.py), then REVIEWED_HOOKS updated. Rate limits on,
    as in production (the limiter's hooks are registered only then)."""
    assert fast_path.app_hooks(app_factory(RATELIMIT_ENABLED=True)) == fast_path.REVIEWED_HOOKS, (
        "The app's request hooks changed: review api/middleware/fast_path.py (a cached answer skips "
        "them) and update its REVIEWED_HOOKS")


def test_the_guard_notices_a_new_hook(app_factory):
    other = app_factory(RATELIMIT_ENABLED=True)
    other.after_request(lambda response: response)
    assert fast_path.app_hooks(other) != fast_path.REVIEWED_HOOKS


def test_the_fast_path_replays_the_response_caches_own_headers(front):
    """The header names the front door treats as the entry's are the response cache's, not a copy."""
    response = front.test_client().get(URL)
    entry_names = [name for name, _ in response.headers if name in (*ENTRY_HEADERS, *REPLAYED)]
    assert set(ENTRY_HEADERS) <= set(entry_names)
    assert {name.lower() for name in (*ENTRY_HEADERS, *REPLAYED)} == fast_path._CACHED_NAMES


def test_fast_path_false_leaves_every_read_to_flask(app_factory):
    off = app_factory(VERSION_CHECK_SECONDS=60, FAST_PATH=False)
    assert not isinstance(off.wsgi_app, fast_path.FrontCache)
    client = off.test_client()
    client.get(URL)
    calls = []
    inner = off.wsgi_app
    off.wsgi_app = lambda environ, start_response: calls.append(environ["PATH_INFO"]) or inner(environ, start_response)
    assert client.get(URL).headers["X-Cache"] == "hit"  # from the response cache, inside Flask
    assert calls == ["/api/v1/countries/FI/status"]


@pytest.mark.parametrize("url", [
    "/api/v1/countries?as_of=2021-01-01&limit=5", "/api/v1/countries/US", "/api/v1/countries/FI/history",
    "/api/v1/treaties/apmbc/participants?as_of=2026-06-01",
    "/api/v1/treaties/apmbc/participants/diff?from=2025-01-01&to=2026-11-01",
    "/api/v1/treaties/apmbc/timeline?limit=3", "/api/v1/changes?limit=3", "/api/v1/dataset", "/api/v1/exports",
])
def test_every_kind_of_read_is_the_same_answer_from_the_fast_path(front, url):
    """Contract-validated with the fast path on: the second read never enters Flask and says the same."""
    client = front.test_client()
    first = client.get(url)
    assert first.status_code == 200
    front.wsgi_app.inner = lambda *args: pytest.fail(f"{url}: a repeated read went into Flask")
    second = client.get(url)
    assert second.headers["X-Cache"] == "hit" and second.data == first.data
    drop = {"X-Cache", "X-Request-ID", "Date", "RateLimit-Remaining", "RateLimit-Reset"}
    assert sorted((k, v) for k, v in second.headers if k not in drop) == \
        sorted((k, v) for k, v in first.headers if k not in drop)


class Later:
    """api/read/snapshot.py's clock moved `seconds` ahead: the version check falls due without waiting."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def monotonic(self) -> float:
        return time.monotonic() + self.seconds

    def perf_counter(self) -> float:
        return time.perf_counter()


def test_a_new_version_reaches_cached_reads_once_the_version_check_is_due(small_app, monkeypatch):
    """As in production, a reader checks the current version at most every VERSION_CHECK_SECONDS
    (every write test runs with 0): until the check is due it answers from the version it has, from
    the front door; then the next read answers the new version, and is cached and fast again."""
    url = "/api/v1/countries/CA/status?as_of=2026-09-01"
    reader = make_app(small_app.config["SQLALCHEMY_DATABASE_URI"], VERSION_CHECK_SECONDS=60)
    client = reader.test_client()
    before = client.get(url)
    assert (before.json["status"], before.headers["X-Cache"]) == ("state_party", "miss")
    written = small_app.test_client().post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=bearer())
    assert written.status_code == 201
    new = written.json["dataset_version"]
    assert new != before.headers["X-Dataset-Version"]

    flask = reader.wsgi_app.inner
    reader.wsgi_app.inner = lambda *args: pytest.fail("a read within the check interval went into Flask")
    stale = client.get(url)  # within VERSION_CHECK_SECONDS: the version the reader has, by design
    assert stale.headers["X-Cache"] == "hit" and stale.data == before.data

    monkeypatch.setattr(snapshot, "time", Later(61))  # a minute later
    reader.wsgi_app.inner = flask
    fresh = client.get(url)
    assert (fresh.headers["X-Dataset-Version"], fresh.headers["X-Cache"]) == (new, "miss")
    # CA_WITHDRAWAL (a test record): deposited 2026-02-10, effective 2026-08-10, before the as_of
    assert (fresh.json["status"], fresh.json["since"]) == ("withdrawn", "2026-08-10")
    reader.wsgi_app.inner = lambda *args: pytest.fail("a repeated read of the new version went into Flask")
    again = client.get(url)
    assert again.headers["X-Cache"] == "hit" and again.data == fresh.data
    with reader.app_context():
        db.engine.dispose()
