"""Security headers on every kind of response, and no stack trace in an error response."""
import logging

import pytest
from flask import Response, request
from flask.testing import FlaskClient

from api import create_app

# The policies as SECURITY.md states them, written out here rather than imported from the code
# under test: JSON answers load nothing; pages load only their own scripts, styles and images.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"

SAFE = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def assert_safe(response, csp=API_CSP):
    for name, value in SAFE.items():
        assert response.headers[name] == value
    assert response.headers["Content-Security-Policy"] == csp
    assert "Server" not in response.headers


@pytest.mark.parametrize("url", ["/api/v1/countries/FI", "/api/v1/countries/XX", "/openapi.yaml",
                                 "/healthz", "/api/v1/countries?as_of=2021-02-30"])
def test_every_response_carries_the_security_headers(client, url):
    assert_safe(client.get(url))
    assert_safe(client.get(url))  # the second may be a cache hit


def test_not_modified_responses_carry_them_too(client):
    etag = client.get("/api/v1/treaties").headers["ETag"]
    response = client.get("/api/v1/treaties", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert_safe(response)


@pytest.fixture
def bare_app(tmp_path):
    """A fresh, non-debug app with test-only routes: an HTML page and a crash."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.db'}", "DEBUG": False})

    @app.get("/test-only/page")
    def page():
        return Response("<!doctype html><title>page</title>", mimetype="text/html")

    @app.get("/test-only/crash")
    def crash():
        raise RuntimeError("secret detail from /srv/app/api/queries.py line 42")

    return app


@pytest.mark.parametrize("hops, seen", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(tmp_path, hops, seen):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}", "PROXY_HOPS": hops})
    app.get("/test-only/ip")(lambda: {"ip": request.remote_addr})
    response = app.test_client().get("/test-only/ip", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_json() == {"ip": seen}


@pytest.mark.parametrize("trust_host", [False, True])
def test_x_forwarded_host_is_trusted_only_when_configured(tmp_path, trust_host):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'host.db'}", "PROXY_HOPS": 1,
                      "PROXY_TRUST_HOST": trust_host})
    app.get("/test-only/host")(lambda: {"host": request.host})
    response = app.test_client().get("/test-only/host", headers={"X-Forwarded-Host": "evil.example"})
    assert response.get_json() == {"host": "evil.example" if trust_host else "localhost"}


POISONABLE = ["/api/v1/changes.atom", "/api/v1/countries/FI/changes.atom", "/api/v1/changes?limit=5",
              "/api/v1/dataset", "/api/v1/exports", "/api/v1", "/countries/FI?as_of=2026-11-28", "/"]
PUBLIC = "https://treaty-status.example.org"


@pytest.mark.usefixtures("frozen_clock")  # a cache hit expected: the cache key holds the day
@pytest.mark.parametrize("trust_host", [False, True])
def test_a_poisoned_host_cannot_change_what_the_next_client_gets(app_factory, trust_host):
    """A first request with a hostile Host and X-Forwarded-Host fills the response cache; every
    absolute URL comes from PUBLIC_URL, so later clients (also through the WSGI fast path) get the
    same bytes as if the hostile request had never been made."""
    app = app_factory(PUBLIC_URL=PUBLIC, PROXY_HOPS=1, PROXY_TRUST_HOST=trust_host, VERSION_CHECK_SECONDS=300)
    attacker = FlaskClient(app, app.response_class)  # the contract has no evil.example server, nor pages
    visitor, reader = app.test_client(), FlaskClient(app, app.response_class)
    hostile = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http",
               "X-Forwarded-Prefix": "/evil"}
    first = {url: attacker.get(url, headers=hostile, base_url="http://evil.example") for url in POISONABLE}
    for url, response in first.items():
        assert response.status_code == 200, url
        assert b"evil" not in response.data, url
    for url in POISONABLE:
        for _ in range(2):  # a cache hit in Flask, then one from the WSGI fast path
            response = (visitor if url.startswith("/api/") else reader).get(url)
            assert response.status_code == 200 and b"evil" not in response.data, url
            if url.startswith("/api/"):
                assert response.data == first[url].data, url
    assert visitor.get("/api/v1/changes.atom").headers["X-Cache"] == "hit"
    feed = visitor.get("/api/v1/changes.atom").data.decode()
    assert f"<id>{PUBLIC}/api/v1/changes.atom</id>" in feed and f'href="{PUBLIC}/countries/' in feed  # entries link to the country page
    page = reader.get("/countries/FI?as_of=2026-11-28").data.decode()
    assert f"{PUBLIC}/countries/FI?as_of=2026-11-28&amp;dataset_version=" in page


def test_html_pages_get_a_strict_same_origin_policy(bare_app):
    assert_safe(bare_app.test_client().get("/test-only/page"), csp=PAGE_CSP)
    assert "'unsafe-inline'" not in PAGE_CSP and "frame-ancestors 'none'" in PAGE_CSP


def test_an_unexpected_error_is_a_plain_500_without_a_traceback(bare_app, caplog, monkeypatch):
    # Alembic's logging config (an earlier test ran migrations) disables existing loggers.
    monkeypatch.setattr(logging.getLogger("api.problems"), "disabled", False)
    response = bare_app.test_client().get("/test-only/crash")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert response.get_json() == {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                                   "detail": "An unexpected error occurred.", "instance": "/test-only/crash"}
    assert b"Traceback" not in response.data and b"secret" not in response.data
    assert_safe(response)
    assert "secret detail" in caplog.text  # the operator sees it in the log, the client does not
    assert response.headers["X-Request-ID"] in caplog.text
