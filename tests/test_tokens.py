"""Tokens: created and revoked by CLI, shown once, stored as hashes, scoped, expiring."""
import hashlib
from datetime import datetime, timedelta

import pytest
from helpers import bearer

from api.extensions import db
from api.models import Token


def cli(small_app, *args):
    return small_app.test_cli_runner().invoke(args=["tokens", *args])


def test_create_prints_the_secret_once_and_stores_only_its_hash(small_app):
    result = cli(small_app, "create", "ann", "--scope", "curator", "--expires", "2099-01-01")
    secret = result.output.strip()
    assert result.exit_code == 0 and len(secret) >= 40
    token = db.session.scalar(db.select(Token).filter_by(name="ann"))
    # Stored only as a hash (SECURITY.md): the SHA-256 hex digest of the secret, never the secret itself.
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest() != secret
    assert secret not in (token.secret_hash, token.name) and token.expires_at == datetime(2099, 1, 1)
    listed = cli(small_app, "list").output
    assert "ann\tcurator" in listed and secret not in listed
    assert cli(small_app, "create", "ann").exit_code != 0  # names are unique


def test_a_cli_token_authenticates_until_revoked(small_app, small_client):
    secret = cli(small_app, "create", "admin-ann", "--scope", "admin").output.strip()
    headers = {"Authorization": f"Bearer {secret}"}
    listed = small_client.get("/api/v1/tokens", headers=headers)
    assert listed.status_code == 200 and listed.json["items"][0]["name"] == "admin-ann"
    assert cli(small_app, "revoke", "admin-ann").exit_code == 0
    revoked = small_client.get("/api/v1/tokens", headers=headers)
    assert revoked.status_code == 401 and "revoked" in revoked.json["detail"]


@pytest.mark.parametrize("headers, detail", [
    ({}, "needs a token"),
    ({"Authorization": "Bearer not-a-token"}, "not valid"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "not valid"),
])
def test_missing_or_unknown_tokens_are_401_with_a_challenge(small_app, headers, detail):
    response = small_app.test_client().post("/api/v1/sources", json={}, headers=headers)
    assert response.status_code == 401 and detail in response.json["detail"]
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="treaty-api"')


def test_an_expired_token_is_401(small_app):
    headers = bearer("curator", expires=datetime.now() - timedelta(days=1))
    response = small_app.test_client().post("/api/v1/sources", json={}, headers=headers)
    assert response.status_code == 401 and "expired" in response.json["detail"]


def test_a_token_without_the_scope_is_403(small_app):
    response = small_app.test_client().get("/api/v1/tokens", headers=bearer("curator"))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="treaty-api", error="insufficient_scope"'


def test_an_admin_token_may_also_write(small_app):
    response = small_app.test_client().post("/api/v1/sources", json={}, headers=bearer("admin"))
    assert response.status_code == 400  # authenticated and authorized; the empty body is what is wrong
