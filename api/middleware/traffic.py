"""Who may call, how often, and from where: rate limits, CORS, request ids, access logs.

Limits are per client IP, higher with an API key (`X-API-Key`); counters live in memory,
or in Redis when REDIS_URL is set so that every worker and machine shares one limit. A 304
revalidation is not counted. Headers use the IETF draft names (RateLimit-Limit,
RateLimit-Remaining, RateLimit-Reset in seconds) and a 429 carries Retry-After.
"""
from __future__ import annotations

import hmac
import json
import logging
import random
import re
import time

from flask import Flask, current_app, g, request
from flask_cors import CORS
from flask_limiter import Limiter, RateLimitExceeded
from limits.storage import MemoryStorage

from api.metrics import observe, rate_limits_degraded
from api.middleware.edge import PER_REQUEST, for_an_edge
from api.middleware.json_logs import JsonFormatter
from api.middleware.response_cache import WARMING
from api.problems import Problem, problem_response
from api.urls import redacted_query

EXPOSED = ["ETag", "Last-Modified", "Link", "X-Total-Count", "RateLimit-Limit", "RateLimit-Remaining",
           "RateLimit-Reset", "Retry-After", "X-Request-ID", "X-API-Version", "X-Dataset-Version",
           "Deprecation", "Sunset"]
HEALTH_CHECKS = ("/healthz", "/readyz")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# W3C Trace Context: version 00, a 32-hex trace id (not all zeros), a 16-hex parent id, flags
TRACEPARENT = re.compile(r"^00-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")
access_log = logging.getLogger("api.access")
limiter_log = logging.getLogger(__name__)


class MemoryCounters(MemoryStorage):
    """limits' per-process counters (`memory-counters://`, the default without Redis), minus a
    thread per request.

    limits' MemoryStorage starts a new 10 ms `threading.Timer` to sweep expired counters on every
    hit once the last one has fired: on each request when they come more than 10 ms apart, or
    every few requests under load, and `Thread.start` waits until the new thread runs (~0.25 ms
    on a busy 2-core machine; bench/RESULTS.md). An expired counter is already ignored when it is
    read (`get`), so the sweep only frees memory: here it runs inline, at most every SWEEP_SECONDS.
    """

    STORAGE_SCHEME = ["memory-counters"]
    SWEEP_SECONDS = 1.0
    _swept = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides limits' private timer start
        now = time.monotonic()
        if now - self._swept >= self.SWEEP_SECONDS:
            self._swept = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]  # limits' private sweep


def client_of(environ: dict, config) -> tuple[str, str]:
    """(the rate-limit key, the limit) of a WSGI request: its API key if it is one of API_KEYS
    (compared in constant time), else its IP address. Usable with or without Flask."""
    given = environ.get("HTTP_X_API_KEY", "")
    key = next((key for key in config["API_KEYS"] if given and hmac.compare_digest(key, given)), None)
    if key:
        return f"key:{key}", config["RATELIMIT_WITH_KEY"]
    return f"ip:{environ.get('REMOTE_ADDR') or '127.0.0.1'}", config["RATELIMIT_ANONYMOUS"]


def unknown_key(environ: dict, config) -> bool:
    """An X-API-Key was sent that is not one of API_KEYS: a 401, never silently anonymous."""
    given = environ.get("HTTP_X_API_KEY")
    return given is not None and not any(hmac.compare_digest(key, given) for key in config["API_KEYS"])


def _refuse_unknown_key():
    """before_request (after the rate limit, which counts the attempt): a wrong key on the API is a 401."""
    if request.method != "OPTIONS" and request.path.startswith("/api/") \
            and unknown_key(request.environ, current_app.config):
        raise Problem(401, "Unknown X-API-Key: it is not a key issued for this API. Check it for typos, "
                           "or send no X-API-Key to read with the anonymous limit.",
                      headers={"WWW-Authenticate": 'ApiKey realm="treaty-api"'})


def client_key() -> str:
    return client_of(request.environ, current_app.config)[0]


def current_limit() -> str:
    return client_of(request.environ, current_app.config)[1]


def request_id_of(environ: dict) -> str:
    """The trace id of a valid W3C `traceparent` (so logs join the caller's trace), else the
    client's (or the proxy's) X-Request-ID if it is a sane one, else a new id."""
    trace = TRACEPARENT.match(environ.get("HTTP_TRACEPARENT", "").strip())
    if trace:
        return trace.group(1)
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    # An id only has to be unique, not secret: the pseudo-random generator (reseeded in each forked
    # worker) costs a fraction of the os.urandom call behind uuid4 on this kind of VM.
    return incoming if REQUEST_ID.match(incoming) else f"{random.getrandbits(128):032x}"


def log_access(environ: dict, request_id: str, status: int, started: float, headers) -> None:
    """One JSON line per request (when the access log is on)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    access_log.info(json.dumps({
        "request_id": request_id, "method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"),
        "query": redacted_query(environ.get("QUERY_STRING", ""))[:1000], "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 2), "ip": environ.get("REMOTE_ADDR"),
        "dataset_version": headers.get("X-Dataset-Version"), "cache": headers.get("X-Cache"),
        "bytes": headers.get("Content-Length")}))


def _too_many(error: RateLimitExceeded):
    return problem_response(Problem(429, f"Rate limit exceeded ({error.description}); retry after the "
                                         "Retry-After delay, or send an API key for a higher limit."))


def _draft_headers(response):
    """Flask-Limiter gives RateLimit-Reset as an epoch time (the draft wants seconds from now)
    and Retry-After on every response (it belongs on a 429 only)."""
    reset = response.headers.get("RateLimit-Reset")
    if reset and reset.isdigit() and int(reset) > 10**9:
        response.headers["RateLimit-Reset"] = str(max(0, int(reset) - int(time.time())))
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def limits_degraded() -> str | None:
    """Why rate limits are not shared right now (Redis unreachable), or None. Asks Redis (a ping,
    bounded by REDIS_TIMEOUT) and, when it does not answer, switches the limiter to its per-process
    fallback at once; Flask-Limiter switches back by itself when Redis answers again."""
    extension = current_app.extensions["rate_limiter"]
    if not extension.enabled or current_app.config["RATELIMIT_STORAGE_URI"].startswith(("memory://", "memory-counters://")):
        return None
    if extension.storage.check():
        storage_up(extension)
        return None
    storage_down(extension, "no answer to a ping")
    return "rate_limits: Redis is unreachable; limits are counted per process until it answers again"


def storage_down(extension, error) -> None:
    """Count in this process's memory from now on, and say so once (Flask-Limiter's own switch, which
    it makes on a failed hit; used here for the front door and /readyz, which bypass it)."""
    if not getattr(extension, "_storage_dead", True) and extension._fallback_limiter is not None:
        limiter_log.warning("rate limit storage unreachable (%s): counting per process", error)
        extension._storage_dead = True
        rate_limits_degraded(True)


def storage_up(extension) -> None:
    if getattr(extension, "_storage_dead", False):
        limiter_log.warning("rate limit storage reachable again: limits are shared")
        extension._storage_dead = False
        rate_limits_degraded(False)


def revive(app) -> None:
    """While counting per process, ask Redis every REDIS_RETRY_SECONDS (one ping, bounded by
    REDIS_TIMEOUT) whether it is back; Flask-Limiter's own retries back off to 32 s, and do not
    happen on the front door at all."""
    extension = app.extensions["rate_limiter"]
    if not getattr(extension, "_storage_dead", False):
        return
    state = app.extensions.setdefault("rate_limit_revival", {"last": 0.0})
    if time.monotonic() - state["last"] >= app.config["REDIS_RETRY_SECONDS"]:
        state["last"] = time.monotonic()
        if extension.storage.check():
            storage_up(extension)


def _revive():
    if request.path not in HEALTH_CHECKS:  # health checks never touch Redis
        revive(current_app)


def _start():
    g.request_id = request_id_of(request.environ)
    g.started = time.perf_counter()


def _log(response):
    """The last hook: the request id, the access line and the metrics; per-request headers left
    out of an answer a CDN may store (api/middleware/edge.py: for_an_edge)."""
    if for_an_edge(request.environ, response.headers.get("Cache-Control")):
        for name in PER_REQUEST:
            response.headers.pop(name, None)
    else:
        response.headers["X-Request-ID"] = g.get("request_id", "")
    if request.environ.get(WARMING):
        return response  # the master warming its cache (api/middleware/response_cache.py): no client
    started = g.get("started", time.perf_counter())
    log_access(request.environ, g.get("request_id"), response.status_code, started, response.headers)
    if current_app.config["METRICS_TOKEN"]:  # metrics off: nothing could read the counts (bench/RESULTS.md)
        observe(request.url_rule.rule if request.url_rule else "(unmatched)", request.method,
                response.status_code, time.perf_counter() - started, response.headers.get("X-Cache"))
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.before_request(_revive)
    app.after_request(_log)            # after_request hooks run last-registered first:
    app.after_request(_draft_headers)  # these two run after the limiter has set its headers
    # One limiter per app (not a module singleton): its storage and switches are per app.
    # Application-wide limits: one budget per client across every route.
    app.extensions["rate_limiter"] = Limiter(
        client_key, app=app, application_limits=[current_limit],
        application_limits_deduct_when=lambda response: response.status_code != 304,
        application_limits_exempt_when=lambda: request.method == "OPTIONS" or request.path in ("/healthz", "/readyz"))
    app.before_request(_refuse_unknown_key)  # after the limiter's own hook: guesses are counted
    # Health checks never touch the limiter's storage (Redis), not even to see if it is back, and
    # the master's own requests that warm the response cache before fork count for nobody.
    app.extensions["rate_limiter"].request_filter(lambda: request.path in HEALTH_CHECKS
                                                  or bool(request.environ.get(WARMING)))
    app.register_error_handler(RateLimitExceeded, _too_many)
    CORS(app, resources={r"/api/*": {}, r"/openapi.yaml": {}}, origins="*", send_wildcard=True,
         methods=["GET", "HEAD", "OPTIONS"], expose_headers=EXPOSED,
         allow_headers=["If-None-Match", "If-Modified-Since", "X-API-Key", "X-Request-ID"], max_age=86400)
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())  # a timestamp too (gunicorn.conf.py configures the same)
        access_log.addHandler(handler)
        access_log.setLevel(app.config["ACCESS_LOG_LEVEL"])
        access_log.propagate = False
