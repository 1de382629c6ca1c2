"""API tokens: created and revoked with `flask tokens`, shown once, stored only as hashes.

Scopes: `curator` may write records; `admin` may also manage tokens. A request names its
token as `Authorization: Bearer <token>`.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from functools import wraps

import click
from flask import Blueprint, g, request
from flask.cli import AppGroup
from marshmallow import Schema

from api.extensions import db
from api.models import Token
from api.problems import Problem
from api.routes.arguments import load_query

SCOPES = {"curator": {"curator"}, "admin": {"curator", "admin"}}  # scope -> what it grants
REALM = 'Bearer realm="treaty-api"'
bp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens")
tokens_cli = AppGroup("tokens", help="Create, list and revoke API tokens.")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _find(secret: str) -> Token | None:
    """The token whose hash matches, compared in constant time (not by an indexed lookup)."""
    wanted, found = digest(secret), None
    for token in db.session.scalars(db.select(Token)):
        if hmac.compare_digest(token.secret_hash, wanted):
            found = token
    return found


def _unauthorized(detail: str, status: int = 401, error: str = "invalid_token") -> Problem:
    challenge = f'{REALM}, error="{error}"' if error else REALM
    return Problem(status, detail, headers={"WWW-Authenticate": challenge})


def authenticate(scope: str) -> Token:
    """The request's token, if valid and granted `scope`; else a 401 or 403 problem."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise _unauthorized("This route needs a token: send Authorization: Bearer <token>.", error="")
    kind, _, secret = header.partition(" ")
    token = _find(secret.strip()) if kind.lower() == "bearer" and secret.strip() else None
    if token is None:
        raise _unauthorized("The token is not valid.")
    if token.revoked_at is not None:
        raise _unauthorized("The token has been revoked.")
    if token.expires_at is not None and token.expires_at <= _now():
        raise _unauthorized(f"The token expired on {token.expires_at:%Y-%m-%d}.")
    if scope not in SCOPES[token.scope]:
        raise _unauthorized(f"The token's scope {token.scope!r} does not allow this; it needs {scope!r}.",
                            403, "insufficient_scope")
    return token


def requires(scope: str):
    """View decorator: authenticate the request's token for `scope` (as g.token) first."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.token = authenticate(scope)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def create(name: str, scope: str, expires: datetime | None = None) -> tuple[Token, str]:
    """A new token and its secret (the secret is not stored and cannot be shown again)."""
    secret = secrets.token_urlsafe(32)
    token = Token(name=name, scope=scope, secret_hash=digest(secret), created_at=_now(), expires_at=expires)
    db.session.add(token)
    return token, secret


def token_out(token: Token) -> dict:
    stamp = lambda value: value.isoformat() + "Z" if value else None
    return {"name": token.name, "scope": token.scope, "created_at": stamp(token.created_at),
            "expires_at": stamp(token.expires_at), "revoked_at": stamp(token.revoked_at)}


@bp.get("")
@requires("admin")
def index():
    """Every token (never a secret): admins review who can write."""
    load_query(Schema())  # no parameters: an unknown one is a 400
    tokens = db.session.scalars(db.select(Token).order_by(Token.name))
    return {"items": [token_out(token) for token in tokens]}, 200, {"Cache-Control": "no-store"}


@tokens_cli.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(sorted(SCOPES)), default="curator", show_default=True)
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Expiry date (YYYY-MM-DD).")
def create_command(name: str, scope: str, expires: datetime | None) -> None:
    """Create a token named NAME and print its secret once."""
    if db.session.scalar(db.select(Token).filter_by(name=name)):
        raise click.ClickException(f"a token named {name!r} exists; choose another name")
    _, secret = create(name, scope, expires)
    db.session.commit()
    click.echo(secret)


@tokens_cli.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke the token named NAME (it stays listed, and its writes keep its name)."""
    token = db.session.scalar(db.select(Token).filter_by(name=name))
    if token is None:
        raise click.ClickException(f"no token named {name!r}")
    token.revoked_at = token.revoked_at or _now()
    db.session.commit()
    click.echo(f"revoked {name}")


@tokens_cli.command("list")
def list_command() -> None:
    """List tokens: name, scope, created, expires, revoked (never the secrets)."""
    for token in db.session.scalars(db.select(Token).order_by(Token.name)):
        row = token_out(token)
        click.echo("\t".join(str(row[k] or "-") for k in ("name", "scope", "created_at", "expires_at", "revoked_at")))
