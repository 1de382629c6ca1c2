"""Ready for a CDN: every answer's Cache-Control is deliberate, answers are tagged with the
surrogate keys a purge on publish names (api/write/purge.py), and HTML pages get ETags, 304s
and gzip like the JSON does.

Cache-Control, by answer:
- a read of the current version (JSON, Atom, pages, exports): browsers `max-age` 300 s, edges
  `s-maxage` CDN_MAX_AGE (they are purged on publish), both ending by 00:00 UTC for answers for
  today; `stale-while-revalidate` 60 s (not for answers for today), `stale-if-error` a day;
- a read pinned with `dataset_version=`: a day for browsers, at least a day for edges (it never changes);
- 400, 404, 405, 406, 410, 413, 414, 415, 422: `public, max-age=60, s-maxage=60` (short-lived);
- 401, 403, 429, 5xx, writes, health checks and /metrics: `no-store`.

`Surrogate-Key` (Fastly) and `Cache-Tag` (Cloudflare) carry the same keys: `dataset` on every read
of the current version, plus `country-XX` (an answer about one state, by its alpha-2 code),
`treaty-<slug>`, `exports`, or `lists` (every answer spanning several states). Pinned answers
carry only `version-<name>`: they are never purged.

Per-request headers (RateLimit-*, X-Request-ID) describe one client's request, not the answer:
an answer a CDN may store (`public`) leaves them out when the request came through a CDN, which
says so with `CDN-Loop` (RFC 8586; Fastly and Cloudflare add it to every request they forward).
Not marking them `private="..."` is deliberate: Fastly then passes the whole answer uncached
(docs/deploy.md#per-request-headers has the sources).
"""
from __future__ import annotations

import gzip

from flask import Flask, current_app, request

from api.read.clock import seconds_to_midnight
from api.read.queries import state_by_code
from api.read.snapshot import request_snapshot, requested_version

SHORT_LIVED = {400, 404, 405, 406, 410, 413, 414, 415, 422}
PER_REQUEST = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-Request-ID")
NOT_SHARED = ("/healthz", "/readyz", "/metrics")
GZIP_MIN_BYTES = 512


def country_keys(iso2: str) -> str:
    """The keys of an answer about one state, however the URL named it (FI, FIN, 246)."""
    return f"dataset country-{iso2}"


def surrogate_keys() -> str:
    """The keys of the current request's answer, space-separated (for Surrogate-Key and Cache-Tag)."""
    pinned = requested_version()
    if pinned:
        return f"version-{pinned}"
    args = request.view_args or {}
    state = state_by_code(request_snapshot(), str(args["code"])) if "code" in args else None
    if state is not None:
        return country_keys(state.iso2)
    if "slug" in args:
        return f"dataset treaty-{args['slug']}"
    if request.blueprint == "exports" and "name" in args:
        return "dataset exports"
    return "dataset lists"


def for_an_edge(environ: dict, cache_control: str | None) -> bool:
    """Whether an answer goes to a CDN that may store it and serve it to others: the request came
    through one (`CDN-Loop`) and the answer is `public`. It then carries no PER_REQUEST header.
    No app needed: the fast path asks too."""
    return "HTTP_CDN_LOOP" in environ and (cache_control or "").startswith("public")


def key_headers(keys: str) -> list[tuple[str, str]]:
    """Surrogate-Key (Fastly: space-separated) and Cache-Tag (Cloudflare: comma-separated)."""
    return [("Surrogate-Key", keys), ("Cache-Tag", keys.replace(" ", ","))]


def read_policy(for_today: bool, pinned: bool, edge: int) -> str:
    """Cache-Control of a successful read; `edge` is CDN_MAX_AGE. No app needed: the fast path
    computes it for each cached answer it sends."""
    browser, edge = (86400, max(edge, 86400)) if pinned else (300, edge)
    if for_today:  # tomorrow it says something else: nobody keeps it past midnight, not even stale
        midnight = seconds_to_midnight()
        return f"public, max-age={min(browser, midnight)}, s-maxage={min(edge, midnight)}, stale-if-error=86400"
    return f"public, max-age={browser}, s-maxage={edge}, stale-while-revalidate={60 if browser == 300 else 86400}, " \
           "stale-if-error=86400"


def deliberate(response):
    """after_request (after the response cache): Cache-Control and surrogate keys for every answer
    that has none yet, and ETag, 304 and gzip for HTML pages."""
    if request.method not in ("GET", "HEAD") or request.path in NOT_SHARED or response.status_code in (401, 403, 429) \
            or response.status_code >= 500:
        if not response.cache_control.no_store and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
    if response.status_code in SHORT_LIVED:
        response.headers["Cache-Control"] = "public, max-age=60, s-maxage=60"
        return response
    if response.status_code not in (200, 304) or "Surrogate-Key" in response.headers:
        return response  # a cached read already carries them (api/middleware/response_cache.py)
    control = response.headers.get("Cache-Control")
    if control in (None, "public"):  # none yet, or an export's bare `public`
        response.headers["Cache-Control"] = read_policy(True, requested_version() is not None,
                                                        current_app.config["CDN_MAX_AGE"])
    if response.headers.get("Cache-Control", "").startswith("public"):
        response.headers.extend(key_headers(surrogate_keys()))
    if response.mimetype == "text/html" and response.status_code == 200 and not response.is_streamed:
        return _page(response)
    return response


def _page(response):
    """A page: a strong ETag of its bytes (the same for both encodings), 304, gzip."""
    response.add_etag()
    response.vary.add("Accept-Encoding")
    response.make_conditional(request)
    if response.status_code == 200 and len(response.get_data()) >= GZIP_MIN_BYTES \
            and request.accept_encodings.quality("gzip") > 0:
        response.set_data(gzip.compress(response.get_data(), 6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    app.after_request(deliberate)  # registered before response_cache: runs after it
