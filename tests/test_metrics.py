"""GET /metrics (api/metrics.py, api/routes/monitoring.py), request ids from `traceparent`, and the
JSON log lines (api/middleware/json_logs.py). Several gunicorn workers: tests/test_gunicorn.py."""
from __future__ import annotations

import json
import logging
import socket
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.extensions import db
from api.middleware.json_logs import JsonFormatter
from api.write.records import lock_writes

TOKEN = {"Authorization": "Bearer s3cret-scraper"}
URL = "/api/v1/countries/FI/status?as_of=2020-01-01"


def samples(client) -> dict:
    """{(name, sorted label pairs): value} of one scrape."""
    response = client.get("/metrics", headers=TOKEN)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    found = {(s.name, tuple(sorted(s.labels.items()))): s.value
             for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}
    assert found
    return found


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def monitored(app_factory):
    """Versions checked once a minute, as in production: repeated reads take the fast path."""
    return app_factory(METRICS_TOKEN="s3cret-scraper", VERSION_CHECK_SECONDS=60)


def test_metrics_are_off_without_a_token_and_need_it_when_on(client, monitored):
    off = client.get("/metrics")
    assert off.status_code == 404 and "METRICS_TOKEN" in off.get_json()["detail"]
    on = monitored.test_client()
    assert on.get("/metrics").status_code == 401
    assert on.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert on.get("/metrics", headers=TOKEN).mimetype == "text/plain"


@pytest.mark.usefixtures("frozen_clock")  # a cache hit expected: the cache key holds the day
def test_requests_are_counted_by_route_and_status_also_on_the_fast_path(monitored):
    client = monitored.test_client()
    route = "/api/v1/countries/<code>/status"
    before = samples(client)
    assert client.get(URL).headers["X-Cache"] == "miss"
    flask, monitored.wsgi_app.inner = monitored.wsgi_app.inner, lambda *args: pytest.fail("went into Flask")
    assert [client.get(URL).headers["X-Cache"] for _ in range(3)] == ["hit"] * 3  # the fast path
    monitored.wsgi_app.inner = flask
    assert client.get("/api/v1/countries/XX/status").status_code == 404
    after = samples(client)
    delta = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)
    assert delta("treaty_http_requests_total", route=route, method="GET", status="200") == 4
    assert delta("treaty_http_requests_total", route=route, method="GET", status="404") == 1
    assert delta("treaty_http_request_duration_seconds_count", route=route) == 5
    assert delta("treaty_response_cache_total", result="hit") == 3
    assert delta("treaty_response_cache_total", result="miss") == 1


def test_without_a_token_requests_are_not_counted(app_factory, monitored):
    """Metrics off: nothing could read the counts, so no request pays for them (bench/RESULTS.md)."""
    off = app_factory(VERSION_CHECK_SECONDS=60).test_client()
    before = samples(monitored.test_client())
    assert [off.get(URL).headers["X-Cache"] for _ in range(3)] == ["miss", "hit", "hit"]  # Flask, then the fast path
    after = samples(monitored.test_client())
    route = "/api/v1/countries/<code>/status"
    assert value(after, "treaty_http_requests_total", route=route, method="GET", status="200") \
        == value(before, "treaty_http_requests_total", route=route, method="GET", status="200")
    assert value(after, "treaty_response_cache_total", result="hit") == value(before, "treaty_response_cache_total",
                                                                                result="hit")


def test_snapshot_version_and_age(monitored):
    client = monitored.test_client()
    version = client.get("/api/v1/dataset").get_json()["version"]
    client.get("/api/v1/treaties")
    found = samples(client)
    assert value(found, "treaty_snapshot_info", version=version) == 1
    assert value(found, "treaty_snapshot_age_seconds") > 0
    assert value(found, "treaty_snapshot_checked_timestamp_seconds") > 0


def test_rate_limit_degradation_is_a_gauge(app_factory):
    with socket.socket() as closed:  # a port nothing listens on: Redis refuses at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    app = app_factory(METRICS_TOKEN="s3cret-scraper", RATELIMIT_ENABLED=True,
                      RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
    client = app.test_client()
    assert client.get("/readyz").get_json()["degraded"]
    assert value(samples(client), "treaty_rate_limits_degraded") == 1


def test_write_lock_waits_are_observed(empty_app):
    client = empty_app.test_client()
    empty_app.config["METRICS_TOKEN"] = "s3cret-scraper"
    before = value(samples(client), "treaty_write_lock_wait_seconds_count")
    lock_writes(timeout=1)
    db.session.rollback()
    assert value(samples(client), "treaty_write_lock_wait_seconds_count") == before + 1


def test_request_id_honours_an_incoming_traceparent(client):
    # the example header of W3C Trace Context, section 3.2 (https://www.w3.org/TR/trace-context/)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert client.get("/healthz", headers={"traceparent": traceparent}).headers["X-Request-ID"] == \
        "4bf92f3577b34da6a3ce929d0e0e4736"
    both = client.get("/healthz", headers={"traceparent": traceparent, "X-Request-ID": "proxy-1"})
    assert both.headers["X-Request-ID"] == "4bf92f3577b34da6a3ce929d0e0e4736"  # the trace wins over a proxy id
    zeros = "00-00000000000000000000000000000000-00f067aa0ba902b7-01"  # invalid: all-zero trace id
    assert client.get("/healthz", headers={"traceparent": zeros, "X-Request-ID": "story-7"}
                      ).headers["X-Request-ID"] == "story-7"


def test_a_log_line_is_one_json_object_with_a_timestamp_and_its_traceback():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("api.problems", logging.ERROR, __file__, 1, "unhandled %s", ("x",), sys.exc_info())
    line = formatter.format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "unhandled x" and parsed["level"] == "ERROR"
    assert parsed["timestamp"].endswith("Z") and "T" in parsed["timestamp"]
    assert "Traceback" in parsed["exception"] and "ValueError: boom" in parsed["exception"]
    access = logging.LogRecord("api.access", logging.INFO, __file__, 1, json.dumps({"status": 200}), (), None)
    merged = json.loads(formatter.format(access))
    assert merged["status"] == 200 and merged["timestamp"] and "message" not in merged


def test_an_access_line_is_extended_into_one_json_object():
    record = logging.LogRecord('api."access"', logging.INFO, __file__, 1, '{"status": 304, "path": "/x"}', None, None)
    record.created = 1764779315.9146  # 2025-12-03T16:28:35.914Z
    parsed = json.loads(JsonFormatter().format(record))
    assert parsed == {"timestamp": "2025-12-03T16:28:35.914Z", "level": "INFO", "logger": 'api."access"',
                      "pid": record.process, "status": 304, "path": "/x"}
