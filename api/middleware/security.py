"""Security: refuse hostile requests early, and send safe headers on every response.

A read needs no request body, query strings are short UTF-8 text, and no body may exceed
MAX_CONTENT_LENGTH: anything else is refused with a problem naming what is wrong, before any
other work is done.
Nothing served may be sniffed as another type, framed, or leak the referring URL; the one
exception to framing is a page that sets its own policy allowing it (the embeddable map). JSON and
YAML need no active content at all (`default-src 'none'`); HTML pages load CSS, JS and
images only from this origin (/static), never inline. Stack traces never reach a response:
problems.py answers any unexpected error with a plain 500 problem, and gunicorn's `Server`
header carries no version.
"""
import re
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from api.problems import Problem

API_CSP = "default-src 'none'; frame-ancestors 'none'"
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'")
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def refuse_hostile():
    """before_request, before any read work: a body, or a query that is not clean UTF-8 text, is a 4xx."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length and request.content_length > limit:
        raise Problem(413, f"The request body is {request.content_length} bytes; the limit is {limit}.",
                      limit=limit)
    has_body = request.content_length or "chunked" in request.headers.get("Transfer-Encoding", "")
    if has_body and request.method in ("GET", "HEAD", "OPTIONS"):
        kind = request.mimetype or "no content type"
        raise Problem(415, f"A {request.method} request takes no body (got {kind}); "
                           "send parameters in the query string.")
    for pair in request.query_string.split(b"&"):
        _check_parameter(*pair.partition(b"=")[::2])


def _check_parameter(raw_name: bytes, raw_value: bytes) -> None:
    name = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode("utf-8", "replace")
    try:
        value = unquote_to_bytes(raw_value.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        _bad(name, "Not valid UTF-8; percent-encode the UTF-8 bytes of the text.")
    if CONTROL.search(name) or CONTROL.search(value):
        _bad(name, "Contains a control character (such as NUL); send plain text.")


def _bad(name: str, reason: str):
    name = CONTROL.sub("?", name)
    raise Problem(400, f"{name}: {reason}", invalid_params=[{"name": name, "reason": reason}])


def headers_for(mimetype: str) -> list[tuple[str, str]]:
    """The security headers a response of this type carries."""
    return [*HEADERS.items(), ("Content-Security-Policy", PAGE_CSP if mimetype == "text/html" else API_CSP)]


def secure(response):
    """after_request: the headers every response carries."""
    for name, value in headers_for(response.mimetype):
        response.headers.setdefault(name, value)
    if "frame-ancestors 'none'" not in response.headers["Content-Security-Policy"]:
        del response.headers["X-Frame-Options"]  # a page whose own policy lets other sites frame it
    return response


def init_app(app: Flask) -> None:
    hops = app.config["PROXY_HOPS"]
    if hops:  # X-Forwarded-* is trusted only from that many proxies in front, else spoofable
        # X-Forwarded-Host only when asked for: no answer is built from the host (api/urls.py)
        host_hops = hops if app.config["PROXY_TRUST_HOST"] else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=host_hops)  # type: ignore[method-assign]
    app.before_request(refuse_hostile)
    app.after_request(secure)
