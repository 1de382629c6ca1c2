"""HTTP caching for reads (JSON, Atom and the lists' CSV): ETag, Last-Modified, 304s, gzip,
version headers, and a shared per-version response cache.

A read's answer depends only on the dataset version, the date (for the default `as_of`),
the URL and whether `Accept` asks for JSON or CSV (api/read/negotiation.py), so each worker
builds it once per version and serves the stored bytes after.

Validators are right every day: an answer for today (no `as_of`) is Last-Modified at the later
of its release and 00:00 UTC today, and is fresh (Cache-Control max-age) no later than the
next midnight, so neither a 304 to If-Modified-Since nor a cache keeps yesterday's status.
If-None-Match compares weakly (a proxy that gzips turns "x" into W/"x"), and gzip is only sent
when Accept-Encoding gives it a non-zero q. api/middleware/fast_path.py answers with the same
functions.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g, request
from werkzeug.datastructures import ETags
from werkzeug.http import http_date, parse_accept_header

from api.middleware.edge import key_headers, read_policy, surrogate_keys
from api.read.clock import day_start, today
from api.read.intervals import answer_bytes
from api.read.negotiation import cache_variant
from api.read.snapshot import chosen_version, requested_version

API_VERSION = "1"
CACHEABLE = "/api/v1"
GZIP_MIN_BYTES = 512
CACHED_TYPES = ("application/json", "application/atom+xml", "text/csv")
# The headers of a cached entry, in order: its own, then those a view set that a copy must repeat.
# (Cache-Control is not stored: cache_control() computes it for each answer.)
ENTRY_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Vary", "X-API-Version", "X-Dataset-Version")
REPLAYED = ("Link", "X-Total-Count")


PINNED_MAX_AGE = 86400  # a browser's max-age for a read pinned with dataset_version=
ENTRY_OVERHEAD = 600  # bytes an entry costs besides its bodies: key, headers, objects (about)


class ResponseCache:
    """An LRU of finished reads, key -> Cached, bounded in entries and in bytes (the bodies, plain
    and gzipped, plus ENTRY_OVERHEAD each): the least recently used go first."""

    def __init__(self, size: int, max_bytes: int):
        self.size, self.max_bytes, self.bytes = size, max_bytes, 0
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple, Cached] = OrderedDict()

    @staticmethod
    def cost(value) -> int:
        return len(value.body) + len(value.gzipped or b"") + ENTRY_OVERHEAD + len(str(value.headers))

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value):
        cost = self.cost(value)
        if cost > self.max_bytes // 4:  # one answer may not push out most of the others
            return
        with self.lock:
            if key in self.items:
                self.bytes -= self.cost(self.items.pop(key))
            self.items[key] = value
            self.bytes += cost
            while len(self.items) > self.size or self.bytes > self.max_bytes:
                _, evicted = self.items.popitem(last=False)
                self.bytes -= self.cost(evicted)


@functools.lru_cache(maxsize=1024)
def normal_query(query: str) -> str:
    """The query string with empty parameters (`&&`) dropped and parameters in name order (the
    values of a repeated name keep their order): variants of one read share one cache entry."""
    pairs = [pair for pair in query.split("&") if pair]
    return "&".join(sorted(pairs, key=lambda pair: pair.partition("=")[0]))


def cache_key(version: str, path: str, query: str, accept: str = "") -> tuple:
    """The same read: one version, one day (for the default `as_of`), one URL, and the
    representation `Accept` asks for (JSON or CSV, api/read/negotiation.py): the lists that
    answer CSV send `Vary: Accept`, and a CSV answer is never given to a JSON client."""
    return version, today(), f"{path}?{normal_query(query)}", cache_variant(accept)


def _key(version: str) -> tuple:
    return cache_key(version, request.path, request.query_string.decode("latin-1"), request.headers.get("Accept", ""))


@dataclass(frozen=True)
class Cached:
    """A finished read: its bytes (plain and gzipped) and every header but the per-request ones
    (and Cache-Control, which cache_control() computes for each answer)."""
    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: datetime
    mimetype: str
    headers: tuple
    max_age: int = 300
    until_midnight: bool = False  # an answer for today: fresh until the next 00:00 UTC at most
    route: str = ""  # the URL rule that built it (the fast path counts its hits by route)
    edge_max_age: int = 3600  # CDN_MAX_AGE when it was built


def cache_control(entry: Cached) -> str:
    """For browsers and edges alike (api/middleware/edge.py): fresh no later than midnight for answers for today."""
    return read_policy(entry.until_midnight, entry.max_age == PINNED_MAX_AGE, entry.edge_max_age)


def weakly_matches(if_none_match: ETags, entry: Cached) -> bool:
    """RFC 9110 13.1.2: If-None-Match uses the weak comparison (W/"x" matches "x")."""
    return if_none_match.contains_weak(entry.etag)


def accepts_gzip(accept_encoding: str) -> bool:
    """gzip is acceptable unless absent or given q=0 (`gzip;q=0`, or `*;q=0` without gzip)."""
    return parse_accept_header(accept_encoding).quality("gzip") > 0


def serve_cached():
    """before_request: answer a repeated read from the cache, with no view work at all."""
    for name in ("cache_hit", "cache_key"):  # `g` outlives a request inside an app context (tests)
        g.pop(name, None)
    if request.method not in ("GET", "HEAD") or not request.path.startswith(CACHEABLE):
        return None
    version = chosen_version()
    if version is None:
        return None
    g.cache_key = _key(version)
    entry = current_app.extensions["response_cache"].get(g.cache_key)
    if entry is None:
        return None
    g.cache_hit = True
    return _answer(entry, "hit")


def store_and_finish(response):
    """after_request: stamp versions and validators on fresh reads, cache them, compress."""
    if g.get("cache_hit"):
        return response
    response.headers["X-API-Version"] = API_VERSION
    snapshot = g.get("snapshot")
    if snapshot is not None:
        response.headers["X-Dataset-Version"] = snapshot.version
    if snapshot is None or "cache_key" not in g or response.status_code != 200 \
            or response.mimetype not in CACHED_TYPES or response.is_streamed \
            or response.cache_control.no_store or response.cache_control.private:
        return response
    entry = _entry(response, snapshot)
    current_app.extensions["response_cache"].put(g.cache_key, entry)
    return _answer(entry, "miss")


def _entry(response, snapshot) -> Cached:
    body = response.get_data()
    document = json.loads(body) if response.mimetype == "application/json" else None
    if isinstance(document, dict):
        body = answer_bytes(document, snapshot.version)
    replayed = tuple((name, response.headers[name]) for name in REPLAYED if name in response.headers)
    return make_entry(body, snapshot, response.content_type, response.mimetype, replayed,
                      pinned=requested_version() is not None, for_today=g.get("depends_on_today", False),
                      route=request.url_rule.rule if request.url_rule else "", keys=surrogate_keys(),
                      edge_max_age=current_app.config["CDN_MAX_AGE"],
                      vary="Accept, Accept-Encoding" if "accept" in response.vary else "Accept-Encoding")


def make_entry(body: bytes, snapshot, content_type: str, mimetype: str, replayed: tuple = (),
               pinned: bool = False, for_today: bool = False, compress: bool = True, *,
               route: str, keys: str, edge_max_age: int, vary: str = "Accept-Encoding") -> Cached:
    """A finished read of `snapshot`: its validators and headers (`replayed`: the view's Link and
    X-Total-Count; `keys`: its surrogate keys), gzipped too unless `compress` is false
    (api/middleware/any_date.py compresses only for a client that takes gzip); `route` is the URL
    rule that answers it, for the metrics; `vary` the answer's Vary header."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    last_modified = max(snapshot.released, day_start()) if for_today else snapshot.released
    own = (content_type, f'"{etag}"', _http_date(last_modified), vary, API_VERSION,
           snapshot.version)
    headers = (*zip(ENTRY_HEADERS, own, strict=True), *replayed, *key_headers(keys))
    gzipped = gzip.compress(body, 6, mtime=0) if compress and len(body) >= GZIP_MIN_BYTES else None
    return Cached(body, gzipped, etag, last_modified, mimetype, headers,
                  max_age=PINNED_MAX_AGE if pinned else 300, until_midnight=for_today, route=route,
                  edge_max_age=edge_max_age)


@functools.lru_cache(maxsize=64)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


def _not_modified(entry: Cached) -> bool:
    if "If-None-Match" in request.headers:
        return weakly_matches(request.if_none_match, entry)
    since = request.if_modified_since
    return since is not None and entry.last_modified.replace(microsecond=0) <= since.replace(tzinfo=None)


def _answer(entry: Cached, cache: str):
    """The response for a cached read: 304, gzipped or plain, from precomputed headers."""
    response = current_app.response_class(headers=entry.headers)
    response.headers["Cache-Control"] = cache_control(entry)
    response.headers["X-Cache"] = cache
    if _not_modified(entry):
        response.status_code = 304
        response.headers.remove("Content-Type")
        return response
    if entry.gzipped and accepts_gzip(request.headers.get("Accept-Encoding", "")):
        response.set_data(entry.gzipped)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(entry.body)
    return response


# Marks the requests `warm` makes in the master: a WSGI environ key that no HTTP request can set
# (headers arrive as HTTP_*). The rate limiter and the access log leave them out (traffic.py).
WARMING = "api.warming"


def warm(snapshot) -> None:
    """Before a pre-forking server forks (api/read/snapshot.py: warm_before_fork): answer every
    state's country page for today into the cache, through the whole app. Every worker, also one
    forked after a recycle or a publish, then serves them as hits from its first request; without
    it each worker built all ~200 pages again, one miss each (bench/RESULTS.md, issue 19)."""
    client = current_app.test_client()
    for code in snapshot.states:
        client.get(f"/api/v1/countries/{code}", environ_base={WARMING: True})


def init_app(app: Flask) -> None:
    app.extensions["response_cache"] = ResponseCache(app.config["RESPONSE_CACHE_SIZE"],
                                                     app.config["RESPONSE_CACHE_BYTES"])
    app.before_request(serve_cached)
    app.after_request(store_and_finish)
    app.extensions.setdefault("snapshot_warmers", []).append(warm)
