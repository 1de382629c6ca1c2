"""CDN-ready answers (api/middleware/edge.py) and the purge on publish (api/write/purge.py)."""
from __future__ import annotations

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import CA_WITHDRAWAL, bearer, free_port, seed_small, wait_for

from api.extensions import db
from api.models import TreatyAction


def directives(response) -> dict:
    return {part.strip().partition("=")[0]: part.strip().partition("=")[2]
            for part in response.headers["Cache-Control"].split(",")}


def test_a_read_tells_browsers_and_edges_how_long_and_names_its_keys(client):
    response = client.get("/api/v1/countries/FI")
    control = directives(response)
    assert {"public", "max-age", "s-maxage", "stale-if-error"} <= set(control)
    assert int(control["s-maxage"]) >= int(control["max-age"])
    assert response.headers["Surrogate-Key"] == "dataset country-FI"
    assert response.headers["Cache-Tag"] == "dataset,country-FI"
    again = client.get("/api/v1/countries/FI")  # from the response cache: the same headers
    assert again.headers["X-Cache"] == "hit" and again.headers["Surrogate-Key"] == "dataset country-FI"
    assert client.get("/api/v1/treaties/apmbc").headers["Surrogate-Key"] == "dataset treaty-apmbc"
    assert client.get("/api/v1/countries").headers["Surrogate-Key"] == "dataset lists"
    version = client.get("/api/v1/dataset").get_json()["version"]
    pinned = client.get(f"/api/v1/countries/FI/status?dataset_version={version}&as_of=2020-01-01")
    assert pinned.headers["Surrogate-Key"] == f"version-{version}"  # never purged: it never changes
    assert directives(pinned)["stale-while-revalidate"] == "86400"


def test_the_fast_path_sends_the_same_keys_and_policy(app_factory):
    front = app_factory(VERSION_CHECK_SECONDS=60)
    client = front.test_client()
    url = "/api/v1/countries/SE/status?as_of=2020-01-01"
    first = client.get(url)
    front.wsgi_app.inner = lambda *args: pytest.fail("a repeated read went into Flask")
    second = client.get(url)
    assert second.headers["X-Cache"] == "hit"
    for name in ("Surrogate-Key", "Cache-Tag", "Cache-Control"):
        assert second.headers[name] == first.headers[name], name


@pytest.mark.parametrize("code", ["FIN", "fin", "246"])  # Finland: ISO 3166-1 alpha-3 FIN, numeric 246
def test_a_state_named_by_another_code_has_the_same_country_key(app_factory, code):
    front = app_factory(VERSION_CHECK_SECONDS=60)
    client = front.test_client()
    assert client.get(f"/api/v1/countries/{code}").headers["Surrogate-Key"] == "dataset country-FI"
    any_date = client.get(f"/api/v1/countries/{code}/status?as_of=2011-05-04")  # letters: the intervals' fast path
    assert any_date.status_code == 200
    assert any_date.headers["Surrogate-Key"] == "dataset country-FI"


@pytest.mark.parametrize(("path", "status", "control"), [
    ("/api/v1/countries/XX", 404, "public, max-age=60, s-maxage=60"),  # short-lived, the same for all
    ("/api/v1/countries?as_of=yesterday", 400, "public, max-age=60, s-maxage=60"),
    ("/healthz", 200, "no-store"),
])
def test_errors_and_health_checks_are_short_lived_or_not_stored(plain_client, path, status, control):
    response = plain_client.get(path)
    assert response.status_code == status
    assert response.headers["Cache-Control"] == control
    assert "Surrogate-Key" not in response.headers


PER_REQUEST = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-Request-ID")
# RFC 8586's request header, as Fastly documents it on the requests it forwards to an origin
# (https://www.fastly.com/documentation/reference/http/http-headers/CDN-Loop/); Cloudflare sends
# `CDN-Loop: cloudflare` (https://developers.cloudflare.com/fundamentals/reference/http-headers/).
VIA_CDN = {"CDN-Loop": "Fastly, Fastly"}


def per_request(response) -> set[str]:
    return {name for name in PER_REQUEST if name in response.headers}


@pytest.fixture
def limited(app_factory):
    """An app with rate limits on (tests/helpers.py switches them off), so RateLimit-* are sent."""
    return app_factory(VERSION_CHECK_SECONDS=60, RATELIMIT_ENABLED=True)


def test_an_answer_a_cdn_may_store_carries_nothing_per_request(limited):
    front, client = limited, limited.test_client()
    url = "/api/v1/countries/NO/status?as_of=2020-01-01"
    direct = client.get(url)
    assert per_request(direct) == set(PER_REQUEST)  # the control: a client asking the service itself gets them
    built = client.get("/api/v1/countries/DK", headers=VIA_CDN)  # a miss: Flask answers
    assert built.status_code == 200 and built.headers["X-Cache"] == "miss"
    assert per_request(built) == set()
    front.wsgi_app.inner = lambda *args: pytest.fail("a repeated read went into Flask")
    cached = client.get(url, headers=VIA_CDN)  # the front door (api/middleware/fast_path.py)
    assert cached.headers["X-Cache"] == "hit" and per_request(cached) == set()
    revalidated = client.get(url, headers={**VIA_CDN, "If-None-Match": direct.headers["ETag"]})
    assert revalidated.status_code == 304 and per_request(revalidated) == set()  # a 304 updates what the edge stored
    assert per_request(client.get(url)) == set(PER_REQUEST)  # and still there for a direct client


def test_a_cdn_request_keeps_them_where_nothing_is_stored(limited):
    client = limited.test_client()
    missing = client.get("/api/v1/countries/XX", headers=VIA_CDN)  # public for 60 s: the edge may store it
    assert missing.status_code == 404 and per_request(missing) == set()
    refused = client.get("/api/v1/countries", headers={**VIA_CDN, "X-API-Key": "guess"})
    assert refused.headers["Cache-Control"] == "no-store"  # passed through to this one client only
    assert "X-Request-ID" in refused.headers and "RateLimit-Remaining" in refused.headers


def test_an_unknown_key_is_not_stored(plain_client):
    response = plain_client.get("/api/v1/countries", headers={"X-API-Key": "guess"})
    assert response.status_code == 401 and response.headers["Cache-Control"] == "no-store"


def test_an_export_has_a_lifetime_and_its_key(client):
    exports = client.get("/api/v1/exports").get_json()
    url = exports["tables"][0]["files"]["csv"]["url"].partition("?")[0]  # the current version's file
    response = client.get(url)
    assert response.status_code == 200
    assert "max-age" in directives(response) and "s-maxage" in directives(response)
    assert response.headers["Surrogate-Key"] == "dataset exports"


def test_html_pages_get_an_etag_a_304_gzip_and_a_lifetime(plain_client):
    page = plain_client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.data).lower()
    assert "max-age" in directives(page) and page.headers["Surrogate-Key"] == "dataset lists"
    etag = page.headers["ETag"]
    assert etag
    assert plain_client.get("/", headers={"If-None-Match": etag}).status_code == 304
    plain = plain_client.get("/")
    assert plain.headers["ETag"] == etag and "Content-Encoding" not in plain.headers
    country = plain_client.get("/countries/FI")
    assert country.headers["Surrogate-Key"] == "dataset country-FI"


class Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Recorder.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn():
    """A local HTTP server standing for the CDN's purge API: yields its URL and what it received."""
    Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/purge", Recorder.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def written(empty_app):
    seed_small(empty_app)
    return empty_app


def test_a_write_purges_the_keys_it_changed(written, cdn):
    url, received = cdn
    written.config.update(PURGE_URL=url, PURGE_HEADERS='{"Authorization": "Bearer cdn-token"}')
    response = written.test_client().post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=bearer())
    assert response.status_code == 201
    wait_for(lambda: received, seconds=10)
    headers, body = received[0]
    assert body["tags"] == ["country-CA", "exports", "lists", "treaty-apmbc"]
    assert headers["Surrogate-Key"] == "country-CA exports lists treaty-apmbc"
    assert headers["Authorization"] == "Bearer cdn-token"
    assert body["dataset_version"] == written.test_client().get("/api/v1/dataset").get_json()["version"]


@pytest.mark.parametrize(("form", "header", "body"), [
    # Cloudflare's purge by cache-tags takes exactly {"tags": [...]} (POST /zones/<zone id>/purge_cache,
    # "Flex purge with tags", https://developers.cloudflare.com/api/resources/cache/methods/purge/)
    ("cloudflare", None, {"tags": ["country-CA", "exports", "lists", "treaty-apmbc"]}),
    # Fastly's batch purge reads a Surrogate-Key header or {"surrogate_keys": [...]}
    # (POST /service/<id>/purge, bulkPurgeTag in github.com/fastly/fastly-js docs/PurgeApi.md)
    ("fastly", "country-CA exports lists treaty-apmbc",
     {"surrogate_keys": ["country-CA", "exports", "lists", "treaty-apmbc"]}),
])
def test_the_purge_is_shaped_as_the_cdn_takes_it(written, cdn, form, header, body):
    url, received = cdn
    written.config.update(PURGE_URL=url, PURGE_FORMAT=form)
    assert written.test_client().post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=bearer()).status_code == 201
    wait_for(lambda: received, seconds=10)
    headers, sent = received[0]
    assert sent == body  # nothing else in the body: no member the CDN's API does not define
    assert headers.get("Surrogate-Key") == header and headers["Content-Type"] == "application/json"


def test_more_keys_than_one_call_takes_purge_everything():
    from api.write.purge import purge_request
    states = [f"country-{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(40)]
    assert purge_request("cloudflare", states, "v")[1] == {"tags": ["dataset"]}  # Cloudflare: 30 a call
    assert purge_request("fastly", states, "v")[1] == {"surrogate_keys": states}  # Fastly: 256
    assert purge_request("json", states, "v")[1]["tags"] == states


def test_a_failed_purge_is_logged_and_the_write_stands(written, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("api.write.purge"), "disabled", False)  # alembic's config disables it
    written.config.update(PURGE_URL=f"http://127.0.0.1:{free_port()}/purge", PURGE_TIMEOUT=1)
    with caplog.at_level(logging.ERROR, logger="api.write.purge"):
        response = written.test_client().post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=bearer())
        assert response.status_code == 201
        wait_for(lambda: "CDN purge" in caplog.text, seconds=10)
    assert "failed" in caplog.text
    assert db.session.get(TreatyAction, CA_WITHDRAWAL["id"])


def test_a_rolled_back_write_purges_nothing(written, cdn):
    url, received = cdn
    written.config.update(PURGE_URL=url)
    bad = CA_WITHDRAWAL | {"sources": ["no-such-source"]}
    response = written.test_client().post("/api/v1/treaty-actions", json=bad, headers=bearer())
    assert response.status_code in (400, 422)
    ok = written.test_client().post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=bearer())
    assert ok.status_code == 201
    wait_for(lambda: received, seconds=10)
    assert len(received) == 1  # only the write that committed
