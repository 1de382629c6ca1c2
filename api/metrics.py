"""Prometheus metrics, correct with several gunicorn workers.

Each process counts in its own memory; under gunicorn (gunicorn.conf.py sets
PROMETHEUS_MULTIPROC_DIR before the app is imported) prometheus_client's multiprocess mode keeps
each worker's values in files there, and `/metrics` (api/routes/monitoring.py) adds up every
worker's, dead ones' counters included (gunicorn.conf.py's child_exit drops their gauges, and its
post_fork has a new worker show the snapshot it inherited: `forked`).
Recorded from one call per request (`observe`, made by the access log of Flask and of the fast
path alike), from the snapshot store, the rate limiter's fallback and the write lock.
"""
from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

disable_created_metrics()  # no *_created series: counters restart with the master anyway

REQUESTS = Counter("treaty_http_requests", "HTTP requests answered, by route template, method and status",
                   ["route", "method", "status"])
LATENCY = Histogram("treaty_http_request_duration_seconds", "Time from a request's arrival in the app to its answer",
                    ["route"], buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
CACHE = Counter("treaty_response_cache", "Reads under /api/v1 answered from the response cache (hit) or built (miss)",
                ["result"])
SNAPSHOT = Gauge("treaty_snapshot_info", "1 for each dataset version a live worker serves as current",
                 ["version"], multiprocess_mode="livemax")
SNAPSHOT_RELEASED = Gauge("treaty_snapshot_released_timestamp_seconds",
                          "Release time of the oldest current version a live worker serves",
                          multiprocess_mode="livemin")
SNAPSHOT_CHECKED = Gauge("treaty_snapshot_checked_timestamp_seconds",
                         "Last successful version check of the live worker that checked longest ago",
                         multiprocess_mode="livemin")
RATE_LIMITS_DEGRADED = Gauge("treaty_rate_limits_degraded",
                             "1 while a live worker counts rate limits in its own memory (Redis unreachable)",
                             multiprocess_mode="livemax")
WRITE_LOCK_WAIT = Histogram("treaty_write_lock_wait_seconds", "Time writers waited for the write lock",
                            buckets=(.001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
WRITE_LOCK_BUSY = Counter("treaty_write_lock_busy", "Writes refused (503) because the write lock stayed busy")

_CACHE_RESULTS = {result: CACHE.labels(result) for result in ("hit", "miss")}
_children: dict[tuple, tuple] = {}  # (route, method, status) -> the labelled counter and histogram
_shown: dict = {"version": "", "released": None, "checked": None}  # what this process's gauges say
_lock = threading.Lock()


def observe(route: str, method: str, status: int, seconds: float, cache: str | None) -> None:
    """One answered request (route is the URL rule, e.g. /api/v1/countries/<code>, never the path)."""
    key = (route, method, status)
    children = _children.get(key)
    if children is None:
        children = _children.setdefault(key, (REQUESTS.labels(route, method, str(status)), LATENCY.labels(route)))
    children[0].inc()
    children[1].observe(seconds)
    if cache in _CACHE_RESULTS:
        _CACHE_RESULTS[cache].inc()


def snapshot_checked(version: str | None, released: datetime | None, checked: bool = True) -> None:
    """The version check found `version` current (released then, once this process has built it);
    checked=False: not a check, the current version's snapshot was just built."""
    if checked:
        _shown["checked"] = time.time()
        SNAPSHOT_CHECKED.set(_shown["checked"])
    if version is None or (version == _shown["version"] and _shown["released"] is not None):
        return
    with _lock:
        if version != _shown["version"]:
            if _shown["version"]:
                SNAPSHOT.labels(_shown["version"]).set(0)
            SNAPSHOT.labels(version).set(1)
            _shown.update(version=version, released=None)
        if released is not None:  # stored naive in UTC on SQLite
            _shown["released"] = (released if released.tzinfo else released.replace(tzinfo=UTC)).timestamp()
            SNAPSHOT_RELEASED.set(_shown["released"])


def forked() -> None:
    """In a worker just forked from a pre-forking master (gunicorn.conf.py post_fork): show what it
    inherited. Its snapshot and last version check are the master's, but its gauges start empty
    (prometheus_client opens a new file per pid), and it would set them only at its own next check
    or build: until then, and for good in a worker that serves no read, /metrics showed no version."""
    with _lock:
        if _shown["version"]:
            SNAPSHOT.labels(_shown["version"]).set(1)
        if _shown["released"] is not None:
            SNAPSHOT_RELEASED.set(_shown["released"])
        if _shown["checked"] is not None:
            SNAPSHOT_CHECKED.set(_shown["checked"])


def rate_limits_degraded(degraded: bool) -> None:
    RATE_LIMITS_DEGRADED.set(1 if degraded else 0)


class _SnapshotAge:
    """treaty_snapshot_age_seconds, computed at each scrape from the oldest release time served."""

    def __init__(self, registry):
        self.registry = registry

    def collect(self):
        released = self.registry.get_sample_value("treaty_snapshot_released_timestamp_seconds")
        if released:
            yield GaugeMetricFamily("treaty_snapshot_age_seconds",
                                    "Seconds since the oldest current version a live worker serves was released",
                                    value=max(0.0, time.time() - released))


def exposition() -> tuple[bytes, str]:
    """The text format of every metric: every worker's under gunicorn, this process's otherwise."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    age = CollectorRegistry()
    age.register(_SnapshotAge(registry))
    return body + generate_latest(age), CONTENT_TYPE_LATEST
