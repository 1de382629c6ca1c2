"""A WSGI front door for repeated reads: a cached answer is served without entering Flask.

A read's answer depends only on the dataset version, the day, the URL and the JSON-or-CSV choice
of `Accept` (api/middleware/response_cache.py stores it after the first request). Serving it
needs none of Flask's request machinery; the per-request duties still happen here, with the same
code as in the app: the rate limit (Flask-Limiter's own backend, same counters), the request id,
a 304 for a weakly matching ETag, gzip unless refused with q=0, Cache-Control bounded by midnight
for answers for today, the access-log line; the headers the app's own hooks add (CORS, security)
are learnt from the app's first answer of each type. Anything else (a miss, a browser's CORS
request, a pinned dataset_version, a version check that is due, a body, a breached limit) goes
to Flask.
"""
from __future__ import annotations

import functools
import time

from limits import parse
from werkzeug.http import parse_etags

from api.metrics import observe
from api.middleware import any_date, traffic
from api.middleware.edge import for_an_edge
from api.middleware.response_cache import (
    CACHEABLE,
    ENTRY_HEADERS,
    REPLAYED,
    accepts_gzip,
    cache_control,
    cache_key,
    weakly_matches,
)
from api.read import intervals

# Headers this module sets itself, per request.
PER_REQUEST = {"x-cache", "x-request-id", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "cache-control",
               "content-length", "content-encoding", "date"}
# Headers a cached entry carries (api.middleware.response_cache builds them).
_CACHED_NAMES = {name.lower() for name in (*ENTRY_HEADERS, *REPLAYED)}

# The app's request hooks this module was reviewed against. A cached answer skips them all, so
# each one's effect must be reproduced here (rate limit, request id, access log) or learnt
# (headers added after the view: CORS, security). tests/test_fast_path.py fails when the app's
# hooks differ from this list: review this module, then update it.
REVIEWED_HOOKS = {
    "before_request": ("api.read.snapshot.forget_choice", "api.middleware.traffic._start",
                       # Redis is re-tried on Flask's requests; a cached answer uses the fallback limiter
                       "api.middleware.traffic._revive",
                       "flask_limiter._extension.Limiter._check_request_limit",
                       "api.middleware.traffic._refuse_unknown_key",  # an unknown X-API-Key goes to Flask
                       "api.middleware.security.refuse_hostile", "api.middleware.response_cache.serve_cached",
                       "pages: api.pages.views._resolve_version",
                       "writes: api.routes.writes._database_answers"),  # writes never take the fast path
    "after_request": ("api.middleware.traffic._log", "api.middleware.traffic._draft_headers",
                      "flask_limiter._extension.Limiter.__inject_headers",
                      "flask_cors.extension.make_after_request_function.<locals>.cors_after_request",
                      "api.middleware.security.secure",
                      # cached reads carry their Cache-Control (cache_control) and keys (in the entry)
                      "api.middleware.edge.deliberate",
                      "api.middleware.response_cache.store_and_finish"),
    "teardown_request": ("flask_limiter._extension.Limiter.__release_context",),
}


def app_hooks(app) -> dict[str, tuple[str, ...]]:
    """The app's request hooks by kind, named as in REVIEWED_HOOKS (blueprint hooks prefixed)."""
    def name(function) -> str:
        function = function.func if isinstance(function, functools.partial) else function
        return f"{function.__module__}.{function.__qualname__}"

    hooks = {}
    for kind in REVIEWED_HOOKS:
        registered = getattr(app, f"{kind}_funcs")
        hooks[kind] = tuple(f"{scope}: {name(f)}" if scope else name(f)
                            for scope in sorted(registered, key=lambda s: s or "") for f in registered[scope])
    return hooks


class FrontCache:
    def __init__(self, app):
        self.app, self.inner = app, app.wsgi_app
        self.added_by_app: dict[str, list] = {}  # mimetype -> headers Flask adds after caching

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        if "HTTP_X_API_KEY" in environ and traffic.unknown_key(environ, self.app.config):
            return self.inner(environ, start_response)  # Flask answers the 401
        entry, version = self._lookup(environ)
        if entry is None and version is not None:  # a miss: a status or list for any date?
            entry = self._any_date(environ, version)
        if entry is None or entry.mimetype not in self.added_by_app:
            return self.inner(environ, self._learning(environ, entry, start_response))
        not_modified = _not_modified(environ, entry)
        limited = self._limit(environ, counted=not not_modified)  # a 304 revalidation is not counted
        if limited is None:
            return self.inner(environ, start_response)  # over the limit: Flask answers the 429
        request_id = traffic.request_id_of(environ)
        status, headers, body = self._answer(environ, entry, [*limited, ("X-Request-ID", request_id)], not_modified)
        start_response(status, headers)
        traffic.log_access(environ, request_id, int(status[:3]), started, dict(headers))
        if self.app.config["METRICS_TOKEN"]:
            observe(entry.route, environ["REQUEST_METHOD"], int(status[:3]), time.perf_counter() - started, "hit")
        return [body]

    def _learning(self, environ, entry, start_response):
        """Note the headers that the app's later hooks (CORS, security) add to a cached read, so
        the front door sends exactly what Flask would."""
        def learn(status, headers, exc_info=None):
            cached = next((v for k, v in headers if k == "X-Cache"), None)
            # A 304 teaches as well as a 200 (Flask adds the same headers to both), so a fresh
            # worker that only ever sees revalidations still moves them to the front door.
            answered = status[:3] in ("200", "304") and cached and (entry or self._lookup(environ)[0])
            if answered and answered.mimetype not in self.added_by_app:  # a miss is in the cache by now
                known = {name.lower() for name, _ in answered.headers} | PER_REQUEST | _CACHED_NAMES
                self.added_by_app[answered.mimetype] = [(k, v) for k, v in headers if k.lower() not in known]
            return start_response(status, headers, exc_info)
        return learn

    def _lookup(self, environ):
        if not _plain_read(environ):
            return None, None
        snapshots = self.app.extensions.get("snapshots")
        if snapshots is None:
            return None, None
        version = snapshots.recent_current(self.app.config["VERSION_CHECK_SECONDS"])
        if version is None:
            return None, None  # Flask looks the current version up again
        key = cache_key(version, environ["PATH_INFO"], environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""))
        return self.app.extensions["response_cache"].get(key), version

    def _any_date(self, environ, version: str):
        """An answer from the per-state intervals (api/middleware/any_date.py), not stored: the
        intervals are the cache, and random days would only push repeated reads out."""
        snapshot = self.app.extensions["snapshots"].built(version)
        if snapshot is None:
            return None
        return any_date.entry(environ, snapshot, _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")),
                              self.app.config["CDN_MAX_AGE"])

    def _limit(self, environ, counted: bool):
        """Rate-limit headers for this request, or None when the limit is reached."""
        extension = self.app.extensions["rate_limiter"]
        if not extension.enabled:
            return []
        key, limit = traffic.client_of(environ, self.app.config)
        item = _parsed(limit)
        # the counter Flask-Limiter uses for the same client: [RATELIMIT_KEY_PREFIX,] key, scope
        args = (self.app.config["RATELIMIT_KEY_PREFIX"], key, "global") if self.app.config.get(
            "RATELIMIT_KEY_PREFIX") else (key, "global")
        traffic.revive(self.app)
        try:
            return self._count(extension.limiter, item, args, counted)
        except Exception as error:  # Redis refused or timed out: fail open to per-process counters
            traffic.storage_down(extension, error)
            if extension.limiter is extension._limiter:
                raise  # no fallback configured: Flask answers (and logs) it
            return self._count(extension.limiter, item, args, counted)

    @staticmethod
    def _count(limiter, item, args: tuple, counted: bool):
        # As Flask-Limiter does: a counted request is one hit, refused when it goes over; an
        # uncounted one (a 304) only reads the window, refused when nothing remains.
        if counted and not limiter.hit(item, *args):
            return None
        stats = limiter.get_window_stats(item, *args)
        if not counted and stats.remaining < 1:
            return None
        return [("RateLimit-Limit", str(item.amount)), ("RateLimit-Remaining", str(stats.remaining)),
                ("RateLimit-Reset", str(max(0, int(stats.reset_time - time.time()))))]

    def _answer(self, environ, entry, per_request: list, not_modified: bool):
        control = cache_control(entry)
        if for_an_edge(environ, control):  # a CDN may store it and hand it to others
            per_request = []
        headers = [*entry.headers, ("Cache-Control", control), ("X-Cache", "hit"), *per_request,
                   *self.added_by_app[entry.mimetype]]
        body = entry.body
        if entry.gzipped and _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body = entry.gzipped
            headers.append(("Content-Encoding", "gzip"))
        if not_modified:  # no body, and no Content-Length
            return "304 NOT MODIFIED", [h for h in headers if h[0] not in ("Content-Type", "Content-Encoding")], b""
        headers.append(("Content-Length", str(len(body))))
        return "200 OK", headers, b"" if environ["REQUEST_METHOD"] == "HEAD" else body


def _plain_read(environ) -> bool:
    """A GET or HEAD of the API with nothing that needs Flask's full treatment."""
    return (environ["REQUEST_METHOD"] in ("GET", "HEAD") and environ.get("PATH_INFO", "").startswith(CACHEABLE)
            and "HTTP_ORIGIN" not in environ and environ.get("CONTENT_LENGTH") in (None, "", "0")
            and "HTTP_TRANSFER_ENCODING" not in environ and "dataset_version" not in environ.get("QUERY_STRING", "")
            and ("HTTP_IF_MODIFIED_SINCE" not in environ or "HTTP_IF_NONE_MATCH" in environ))


@functools.lru_cache(maxsize=16)
def _parsed(limit: str):
    return parse(limit)


@functools.lru_cache(maxsize=64)
def _accepts_gzip(header: str) -> bool:
    return accepts_gzip(header)


@functools.lru_cache(maxsize=256)
def _etags(header: str):
    return parse_etags(header)


def _not_modified(environ, entry) -> bool:
    if "HTTP_IF_NONE_MATCH" in environ:
        return weakly_matches(_etags(environ["HTTP_IF_NONE_MATCH"]), entry)
    return False  # (a request with only If-Modified-Since never reaches here: Flask answers it)


def init_app(app) -> None:
    """Install before any other WSGI middleware wraps the app (ProxyFix must run first);
    FAST_PATH=false leaves every request to Flask."""
    if app.config["FAST_PATH"]:
        app.wsgi_app = FrontCache(app)
        app.extensions.setdefault("snapshot_warmers", []).append(intervals.warm)
