"""Rate limits, CORS, request ids and the access log."""
import json
import logging

import pytest
import redis
from helpers import require


@pytest.fixture
def small_limit(app_factory):
    return app_factory(RATELIMIT_ENABLED=True, RATELIMIT_ANONYMOUS="3 per minute",
                       RATELIMIT_WITH_KEY="5 per minute", API_KEYS=["k-123"])


def test_anonymous_limit_then_429_problem_with_retry_after(small_limit):
    client = small_limit.test_client()
    urls = ["/api/v1/treaties", "/api/v1/countries/FI", "/api/v1/treaties"]  # one budget for all routes
    remaining = [client.get(url).headers["RateLimit-Remaining"] for url in urls]
    assert remaining == ["2", "1", "0"]
    blocked = client.get("/api/v1/treaties")
    assert blocked.status_code == 429 and blocked.content_type == "application/problem+json"
    assert int(blocked.headers["Retry-After"]) > 0 and blocked.headers["RateLimit-Limit"] == "3"
    assert "Retry-After" not in client.get("/healthz").headers


def test_an_api_key_gets_a_higher_limit(small_limit):
    client = small_limit.test_client()
    statuses = [client.get("/api/v1/treaties", headers={"X-API-Key": "k-123"}).status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert client.get("/api/v1/treaties", headers={"X-API-Key": "k-123"}).status_code == 429
    assert client.get("/api/v1/treaties", headers={"X-API-Key": "wrong"}).headers["RateLimit-Limit"] == "3"


def test_a_304_revalidation_is_not_counted(small_limit):
    client = small_limit.test_client()
    etag = client.get("/api/v1/treaties").headers["ETag"]
    for _ in range(5):
        assert client.get("/api/v1/treaties", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api/v1/treaties").headers["RateLimit-Remaining"] == "1"


def test_limits_are_shared_through_redis(app_factory):
    """Two apps (as two workers or machines would be) share one limit through Redis."""
    server = redis.Redis(host="127.0.0.1", port=6379, db=15, socket_connect_timeout=2)
    try:
        server.flushdb()
    except redis.RedisError as error:
        require("REQUIRE_REDIS", f"no Redis on 127.0.0.1:6379 ({error}): limits shared through Redis are not tested")
    finally:
        server.close()
    config = dict(RATELIMIT_ENABLED=True, RATELIMIT_ANONYMOUS="4 per minute",
                  RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    first, second = app_factory(**config).test_client(), app_factory(**config).test_client()
    statuses = [c.get("/api/v1/treaties").status_code for c in (first, second, first, second, first)]
    assert statuses == [200, 200, 200, 200, 429]


def test_cors_for_any_origin_with_exposed_headers(client):
    response = client.get("/api/v1/countries/FI", headers={"Origin": "https://news.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"]
    for name in ("ETag", "Link", "RateLimit-Remaining", "X-Dataset-Version", "X-API-Version"):
        assert name in exposed


def test_cors_preflight(plain_client):
    client = plain_client
    response = client.options("/api/v1/countries", headers={
        "Origin": "https://news.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))


def test_request_id_is_echoed_or_made_and_logged(client):
    collect, logger = Collect(), logging.getLogger("api.access")
    logger.addHandler(collect)
    try:
        echoed = client.get("/api/v1/treaties", headers={"X-Request-ID": "story-42"})
        made = client.get("/api/v1/treaties", headers={"X-Request-ID": "bad id with spaces"})
    finally:
        logger.removeHandler(collect)
    assert echoed.headers["X-Request-ID"] == "story-42"
    assert len(made.headers["X-Request-ID"]) == 32
    assert [line["request_id"] for line in collect.lines] == ["story-42", made.headers["X-Request-ID"]]
    assert collect.lines[0]["status"] == 200
    assert {"method", "path", "ms", "ip", "dataset_version"} <= set(collect.lines[0])


@pytest.mark.parametrize("name", ["api_key", "token", "access_token", "password"])
def test_credentials_in_the_query_are_refused_and_never_logged_or_echoed(client, name):
    """A key pasted into a URL: a 400 that says where keys go; neither the problem (its `instance`)
    nor the access log line repeats the secret."""
    secret = "s3cr3t-0f-a-reader"
    collect, logger = Collect(), logging.getLogger("api.access")
    logger.addHandler(collect)
    try:
        response = client.get(f"/api/v1/countries?q=x&{name}={secret}")
    finally:
        logger.removeHandler(collect)
    assert response.status_code == 400
    body = response.get_json()
    assert body["invalid-params"][0]["name"] == name
    assert "X-API-Key or Authorization header" in body["invalid-params"][0]["reason"]
    assert secret not in response.get_data(as_text=True)
    assert f"{name}=REDACTED" in body["instance"]
    assert len(collect.lines) == 1 and collect.lines[0]["query"] == f"q=x&{name}=REDACTED"


def test_per_process_counters_start_no_thread_per_request(app_factory, monkeypatch):
    """limits' own MemoryStorage starts a Timer thread on a hit whenever its last one has fired
    (10 ms): a thread per request at low traffic. The default counters sweep inline instead."""
    import threading
    import time

    from limits import parse

    from api.middleware.traffic import MemoryCounters

    app = app_factory(RATELIMIT_ENABLED=True)
    extension = app.extensions["rate_limiter"]
    assert isinstance(extension.storage, MemoryCounters)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    item = parse("100 per minute")
    for _ in range(3):
        extension.limiter.hit(item, "ip:192.0.2.1")
        time.sleep(0.02)  # longer than limits' 10 ms timer
    assert started == []
    assert extension.limiter.get_window_stats(item, "ip:192.0.2.1").remaining == 97


def test_per_process_counters_still_drop_expired_keys(monkeypatch):
    import time

    from limits import parse
    from limits.strategies import FixedWindowRateLimiter

    from api.middleware.traffic import MemoryCounters

    storage = MemoryCounters()
    limiter, item = FixedWindowRateLimiter(storage), parse("5 per second")
    limiter.hit(item, "ip:192.0.2.1")
    assert storage.storage  # the counter is held
    monkeypatch.setattr(MemoryCounters, "SWEEP_SECONDS", 0.0)
    later = time.time() + 2  # past the one-second window
    monkeypatch.setattr("time.time", lambda: later)
    limiter.hit(item, "ip:192.0.2.2")  # any hit sweeps
    assert "ip:192.0.2.1" not in " ".join(storage.storage)


def test_country_pages_are_cached_before_fork_for_nobody(app_factory, monkeypatch):
    """The master answers every state's country page into the response cache before it forks
    (api/middleware/response_cache.py: warm): a worker's first lookup of any state is a hit, and
    those requests are neither counted against a client's limit nor written to the access log."""
    import gc

    from api.read.snapshot import latest_snapshot, warm_before_fork

    app = app_factory(VERSION_CHECK_SECONDS=10**6, RATELIMIT_ENABLED=True, RATELIMIT_ANONYMOUS="3 per minute")
    monkeypatch.setattr(gc, "freeze", lambda: None)  # not in the test process
    collect, logger = Collect(), logging.getLogger("api.access")
    logger.addHandler(collect)
    try:
        warm_before_fork(app)
    finally:
        logger.removeHandler(collect)
    assert collect.lines == []
    with app.app_context():
        codes = list(latest_snapshot().states)
    client = app.test_client()
    answers = [client.get(f"/api/v1/countries/{code}") for code in (codes[0], "FI", codes[-1])]
    assert [answer.headers["X-Cache"] for answer in answers] == ["hit"] * 3
    assert [answer.headers["RateLimit-Remaining"] for answer in answers] == ["2", "1", "0"]
