"""Hostile write bodies (issue 13, item 8): deep nesting, lone surrogates, NUL and other control
characters, huge numbers and wrong types get a 4xx problem naming the field, the same answer on
SQLite and PostgreSQL, and nothing is written.
"""
import json

import pytest
from flask.testing import FlaskClient
from helpers import NEW_SOURCE, US_POSITION, bearer, counts


@pytest.fixture
def post(small_app):
    """POST raw bytes as a curator; asserts that no row changed whatever the answer."""
    headers = {**bearer("curator", "mallory"), "Content-Type": "application/json"}
    client = FlaskClient(small_app, small_app.response_class)
    before = counts()

    def send(path: str, raw: bytes | str):
        response = client.post(path, data=raw, headers=headers)
        assert counts() == before
        return response

    return send


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def with_field(record: dict, field: str, value_json: str) -> str:
    """`record` as JSON text with `field` replaced by raw JSON text `value_json` (which may be
    something `json.dumps` would never write, such as a lone surrogate escape)."""
    marker = "\u2603MARK\u2603"
    return json.dumps({**record, field: marker}).replace(json.dumps(marker), value_json)


@pytest.mark.parametrize("field, value_json, mention", [
    ("summary", r'"a\u0000b"', "summary"),          # NUL: PostgreSQL text cannot store it
    ("summary", r'"a\u0007b"', "summary"),          # BEL and other C0 controls
    ("summary", r'"a\u001bb"', "summary"),          # ESC (terminal escapes in a curator's log)
    ("summary", r'"\ud800"', "summary"),            # a lone high surrogate: not encodable as UTF-8
    ("summary", r'"x\udfffy"', "summary"),          # a lone low surrogate
    ("id", r'"us-\u0000"', "id"),
    ("sources", r'["us-thehill-2022\u0000"]', "sources"),
    ("announced_by", r'"a\u0000"', "announced_by"),
])
def test_control_characters_and_lone_surrogates_are_a_400_naming_the_field(post, field, value_json, mention):
    body = problem(post("/api/v1/policy-positions", with_field(US_POSITION, field, value_json)), 400)
    assert mention in json.dumps(body.get("invalid_params", [])) + body["detail"]


def test_tab_and_newline_stay_allowed_in_free_text(small_client, post):
    """Free text may have paragraphs; only the characters that corrupt storage or logs are refused."""
    record = {**US_POSITION, "summary": "Line one.\nLine two.\tTabbed."}
    response = small_client.post("/api/v1/policy-positions", json=record, headers=bearer("curator", "ann"))
    assert response.status_code == 201
    assert response.json["record"]["summary"] == "Line one.\nLine two.\tTabbed."


@pytest.mark.parametrize("depth", [64, 10_000])
def test_deeply_nested_bodies_are_a_400(post, depth):
    nested = "[" * depth + "]" * depth
    body = problem(post("/api/v1/sources", with_field(NEW_SOURCE, "title", nested)), 400)
    assert "nest" in body["detail"].lower() or "title" in json.dumps(body)


@pytest.mark.parametrize("raw, mention", [
    ('{"id": 1e999}', "body"),                       # infinity is not JSON data
    ('{"id": NaN}', "body"),
    ('{"a": 1, "a": 2}', "body"),                    # a duplicate key: which one wins is ambiguous
    (b'{"id": "\xff\xfe"}', "body"),                 # not UTF-8
    ('["not", "an", "object"]', "JSON object"),
    ("", "body"),
])
def test_malformed_json_is_a_400(post, raw, mention):
    body = problem(post("/api/v1/sources", raw), 400)
    assert mention in body["detail"]


def test_a_huge_integer_is_a_400_not_a_500(post):
    raw = with_field(NEW_SOURCE, "published", "9" * 4000)
    body = problem(post("/api/v1/sources", raw), 400)
    assert "published" in json.dumps(body)
