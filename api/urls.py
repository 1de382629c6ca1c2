"""Absolute URLs, built from the PUBLIC_URL setting and never from the request.

A request's Host (or X-Forwarded-Host) is whatever the client typed: an answer that put it in
a feed id, a link or a citation could be stored by the response cache and served to every later
client (cache poisoning). Paths come from the app's URL map, the scheme and host from PUBLIC_URL.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from flask import current_app

# Query parameters that carry a secret when a client puts one in a URL by mistake.
CREDENTIAL = re.compile(r"(?i)^(api[_-]?key|key|token|access[_-]?token|auth|authorization|bearer|"
                        r"password|passwd|secret|client[_-]?secret)$")
REDACTED = "REDACTED"


def public_url(endpoint: str, **values) -> str:
    """PUBLIC_URL followed by the path of `endpoint` (query arguments as in url_for)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)  # a path only: no host
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def redacted_query(query: str) -> str:
    """`query` with the value of every credential-like parameter replaced, for logs and echoes:
    a URL is stored by proxies, browsers and log pipelines, a secret in it is as good as published."""
    if not query or not any(CREDENTIAL.match(name) for name, _ in parse_qsl(query, keep_blank_values=True)):
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, REDACTED if CREDENTIAL.match(name) else value) for name, value in pairs])
