"""HTTP caching for reads (JSON and Atom): ETag, Last-Modified, 304s, gzip, version headers, and a shared
per-version response cache.

A read's answer depends only on the dataset version, the date (for the default `as_of`)
and the URL, so each worker builds it once per version and serves the stored bytes after.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app, g, request
from werkzeug.http import http_date

from api.read.snapshot import store

API_VERSION = "1"
CACHEABLE = "/api/v1"
GZIP_MIN_BYTES = 512
CACHED_TYPES = ("application/json", "application/atom+xml")
REPLAYED = ("Link", "X-Total-Count")  # headers a view sets that a cached copy must repeat


ENTRY_OVERHEAD = 600  # bytes an entry costs besides its bodies: key, headers, objects (about)


class ResponseCache:
    """An LRU of finished reads, key -> Cached, bounded in entries and in bytes (the bodies, plain
    and gzipped, plus ENTRY_OVERHEAD each): the least recently used go first."""

    def __init__(self, size: int, max_bytes: int):
        self.size, self.max_bytes, self.bytes = size, max_bytes, 0
        self.items, self.lock = OrderedDict(), threading.Lock()

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


def cache_key(version: str, path: str, query: str) -> tuple:
    """The same read: one version, one day (for the default `as_of`), one URL."""
    return version, date.today(), f"{path}?{normal_query(query)}"


def _key(version: str) -> tuple:
    return cache_key(version, request.path, request.query_string.decode("latin-1"))


def _requested_version() -> str | None:
    requested = request.args.get("dataset_version")
    return requested or store().current_version(current_app.config["VERSION_CHECK_SECONDS"])


@dataclass(frozen=True)
class Cached:
    """A finished read: its bytes (plain and gzipped) and every header but the per-request ones."""
    body: bytes
    gzipped: bytes | None
    etag: str
    released: datetime
    mimetype: str
    headers: tuple


def serve_cached():
    """before_request: answer a repeated read from the cache, with no view work at all."""
    if request.method not in ("GET", "HEAD") or not request.path.startswith(CACHEABLE):
        return None
    version = _requested_version()
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
        document["dataset_version"] = snapshot.version
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    pinned = request.args.get("dataset_version") is not None
    headers = (("Content-Type", response.content_type), ("ETag", f'"{etag}"'),
               ("Last-Modified", http_date(snapshot.released)),
               ("Cache-Control", f"public, max-age={86400 if pinned else 300}"), ("Vary", "Accept-Encoding"),
               ("X-API-Version", API_VERSION), ("X-Dataset-Version", snapshot.version),
               *((name, response.headers[name]) for name in REPLAYED if name in response.headers))
    gzipped = gzip.compress(body, 6, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
    return Cached(body, gzipped, etag, snapshot.released, response.mimetype, headers)


def _not_modified(entry: Cached) -> bool:
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains(entry.etag)
    since = request.if_modified_since
    return since is not None and entry.released.replace(microsecond=0) <= since.replace(tzinfo=None)


def _answer(entry: Cached, cache: str):
    """The response for a cached read: 304, gzipped or plain, from precomputed headers."""
    response = current_app.response_class(headers=entry.headers)
    response.headers["X-Cache"] = cache
    if _not_modified(entry):
        response.status_code = 304
        response.headers.remove("Content-Type")
        return response
    if entry.gzipped and "gzip" in request.accept_encodings:
        response.set_data(entry.gzipped)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(entry.body)
    return response


def init_app(app: Flask) -> None:
    app.extensions["response_cache"] = ResponseCache(app.config["RESPONSE_CACHE_SIZE"],
                                                     app.config["RESPONSE_CACHE_BYTES"])
    app.before_request(serve_cached)
    app.after_request(store_and_finish)
