"""Every error leaves through one handler as RFC 9457 application/problem+json."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, g, json, request
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from api.urls import redacted_query

log = logging.getLogger(__name__)
DATE_HELP = "Not a valid date; use YYYY-MM-DD, for example 2021-04-06."


class Problem(Exception):
    """An error the client can act on. `invalid_params` and extra keyword arguments become
    members of the body; `headers` are added to the response."""

    def __init__(self, status: int, detail: str, *, headers: dict[str, str] | None = None,
                 invalid_params: list[dict[str, str]] | None = None, **extra: Any):
        super().__init__(detail)
        if invalid_params is not None:  # RFC 9457's example member: which parameter, and why
            extra = {"invalid-params": invalid_params, **extra}
        self.status, self.detail, self.extra, self.headers = status, detail, extra, headers or {}


def not_found(what: str, value: str, **extra) -> Problem:
    return Problem(404, f"No {what} {value!r}.", **extra)


def invalid_params(error: ValidationError) -> Problem:
    """A 400 naming each offending parameter, with the reason."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    params = [{"name": name, "reason": " ".join(map(str, reasons if isinstance(reasons, list) else [reasons]))}
              for name, reasons in sorted(messages.items())]
    detail = "; ".join(f"{p['name']}: {p['reason']}" for p in params)
    return Problem(400, detail, invalid_params=params)


def problem_response(problem: Problem):
    return current_app.response_class(json.dumps(_body(problem)), status=problem.status,
                                      mimetype="application/problem+json", headers=problem.headers)


def _body(problem: Problem) -> dict:
    return {"type": "about:blank", "title": HTTP_STATUS_CODES.get(problem.status, "Error"),
            "status": problem.status, "detail": problem.detail,
            "instance": _instance(), **problem.extra}


def _instance() -> str:
    """The request's path and query, safe even when the query is not valid UTF-8."""
    query = redacted_query(request.query_string.decode("utf-8", "replace"))
    return f"{request.path}?{query}" if query else request.path


def _from_http(error: HTTPException) -> Problem:
    extra: dict[str, Any] = {}
    allowed = getattr(error, "valid_methods", None)  # set on 405s only
    if error.code == 405 and allowed:
        extra["allowed"] = sorted(allowed)
    return Problem(error.code or 500, error.description or "", **extra)


def init_app(app: Flask) -> None:
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(ValidationError, lambda e: problem_response(invalid_params(e)))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = problem_response(_from_http(error))
        allowed = getattr(error, "valid_methods", None)
        if error.code == 405 and allowed:
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        log.error("database unavailable: %s", error.orig)
        retry_after = str(current_app.config.get("RETRY_AFTER_SECONDS", 5))
        return problem_response(Problem(503, "The database is unreachable; try again shortly.",
                                        headers={"Retry-After": retry_after}))

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unhandled error in %s %s (X-Request-ID %s)", request.method, request.path,
                      g.get("request_id"))
        return problem_response(Problem(500, "An unexpected error occurred."))
