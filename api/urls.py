"""Absolute URLs, built from the PUBLIC_URL setting and never from the request.

A request's Host (or X-Forwarded-Host) is whatever the client typed: an answer that put it in
a feed id, a link or a citation could be stored by the response cache and served to every later
client (cache poisoning). Paths come from the app's URL map, the scheme and host from PUBLIC_URL.
"""
from __future__ import annotations

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """PUBLIC_URL followed by the path of `endpoint` (query arguments as in url_for)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)  # a path only: no host
    return current_app.config["PUBLIC_URL"].rstrip("/") + path
