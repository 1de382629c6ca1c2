"""The examples of openapi.yaml: one on every 2xx response, each valid against its schema (as the
tests close it) and each the shape of a real answer (tools/spec_examples.py writes them).

When a test here fails because the data or a response changed, run
`.venv/bin/python tools/spec_examples.py` and commit the new examples.
"""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import yaml
from helpers import CA_WITHDRAWAL, NEW_SOURCE, ROOT, bearer, seed_small, strict
from openapi_schema_validator import OAS31Validator

DOCUMENT = yaml.safe_load((ROOT / "openapi.yaml").read_text())
CLOSED = strict(yaml.safe_load((ROOT / "openapi.yaml").read_text()))
EXAMPLES = DOCUMENT["components"]["examples"]
LIST_ITEMS = 2  # tools/spec_examples.py cuts every list of an example to its first two items
# Values that name what an answer is about: equal in the example and in the real answer. The rest
# (counts, versions, hashes, dates of release) may move with the data and is compared by type only.
IDENTITY = {"id", "iso2", "iso3", "numeric", "slug", "name", "status", "kind", "type", "table", "date",
            "effective", "article", "dimension", "position", "state", "treaty", "url"}
ATOM = "{http://www.w3.org/2005/Atom}"


def _resolve(node: dict, document: dict = DOCUMENT) -> dict:
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def responses(document: dict = DOCUMENT):
    """(operationId, status, media type, media object) of every 2xx response."""
    for item in document["paths"].values():
        for method, operation in item.items():
            if method not in ("get", "post"):
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    for media, content in _resolve(response, document).get("content", {}).items():
                        yield operation["operationId"], status, media, content


RESPONSES = list(responses())
EXAMPLE_MEDIA = {ref["$ref"].rsplit("/", 1)[1]: (operation, media, content)
                 for operation, _status, media, content in RESPONSES
                 for ref in content.get("examples", {}).values()}


def test_every_2xx_response_has_an_example():
    assert len(RESPONSES) >= 40  # every operation answers at least one 2xx
    missing = [(operation, status, media) for operation, status, media, content in RESPONSES
               if not content.get("examples") and "example" not in content]
    assert missing == []
    assert set(EXAMPLE_MEDIA) == set(EXAMPLES), "every example is used, and every one used exists"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_is_valid_against_its_closed_schema(name):
    operation, media, _content = EXAMPLE_MEDIA[name]
    example = EXAMPLES[name]
    assert example["x-request"].split(" ", 1)[0] in ("GET", "POST")
    if "externalValue" in example:
        assert example["externalValue"] == example["x-request"].split(" ", 1)[1]
        return
    closed = next(content for op, _s, m, content in responses(CLOSED) if (op, m) == (operation, media))
    if "schema" not in closed:  # text without a schema (YAML, Markdown, Atom, CSV, HTML): text it is
        assert isinstance(example["value"], str) and example["value"]
        return
    schema = {**closed["schema"], "components": CLOSED["components"]}
    values = [json.loads(line) for line in example["value"].splitlines()] \
        if media == "application/x-ndjson" else [example["value"]]
    assert values
    for value in values:
        errors = [error.message for error in OAS31Validator(schema).iter_errors(value)]
        assert errors == [], name


def same_shape(example, real, path="$", identity=IDENTITY):
    """The example is the real answer cut short: the same members at every level, values of the
    same types, lists cut to their first LIST_ITEMS items, names and dates equal."""
    if isinstance(example, dict):
        assert isinstance(real, dict), path
        assert sorted(example) == sorted(real), path
        for key, value in example.items():
            same_shape(value, real[key], f"{path}.{key}", identity)
            if key in identity and not isinstance(value, (dict, list)):
                assert value == real[key], f"{path}.{key}"
    elif isinstance(example, list):
        assert isinstance(real, list), path
        assert len(example) == min(len(real), LIST_ITEMS), path
        for index, value in enumerate(example):
            same_shape(value, real[index], f"{path}[{index}]", identity)
    else:
        assert (example is None) == (real is None), path
        if example is not None:
            assert (type(example) in (int, float) and type(real) in (int, float)) or type(example) is type(real), path


def _feed(text: str) -> tuple[list[str], list[str]]:
    root = ET.fromstring(text.encode())
    return [child.tag for child in root if child.tag != f"{ATOM}entry"], \
        [entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")]


READS = sorted(name for name, example in EXAMPLES.items()
               if example["x-request"].startswith("GET ") and "{" not in example["x-request"]
               and "dataset/changes" not in example["x-request"] and "/tokens" not in example["x-request"])


# "Finland today" and the export links (as_of=today) were answered on the day the examples were
# written (2026-12-03, FROZEN_NOW): replayed on another day they differ, so today is frozen.
@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize("name", READS)
def test_each_read_example_is_a_real_answer(client, name):
    """The example's request, replayed on the app on seed_data/, answers what the example shows."""
    example = EXAMPLES[name]
    _operation, media, _content = EXAMPLE_MEDIA[name]
    url = example["x-request"].removeprefix("GET ")
    response = client.get(url, headers={"Accept": media})
    assert response.status_code == 200
    assert response.mimetype == media
    text = response.get_data(as_text=media not in ("application/vnd.apache.parquet", "application/x-stata-dta", "application/zip"))
    if "externalValue" in example:
        assert len(text) > 0
    elif media == "application/json":
        same_shape(example["value"], response.get_json())
    elif media == "application/x-ndjson":
        shown = example["value"].splitlines()
        assert shown
        for line, real in zip(shown, text.splitlines()[:LIST_ITEMS], strict=True):
            same_shape(json.loads(line), json.loads(real))
    elif media == "text/csv":
        shown, real = list(csv.reader(io.StringIO(example["value"]))), list(csv.reader(io.StringIO(text)))
        assert shown[0] == real[0]  # the header
        assert [row[0] for row in shown[1:]] == [row[0] for row in real[1:LIST_ITEMS + 1]]
    elif media == "application/atom+xml":
        assert _feed(example["value"]) == _feed(text)
        assert _feed(text)[1], "the example feed has entries"
    else:  # the first lines of a text
        assert text.startswith(example["value"])


def test_the_writes_examples_have_the_shape_of_real_writes(empty_app):
    """Real writes on the small seed answer in the shape of every write example; the record-level
    changes they make, and the token list, in the shape of their examples (names and ids differ)."""
    seed_small(empty_app)
    client = empty_app.test_client()
    tokens = client.get("/api/v1/tokens", headers=bearer("admin"))
    same_shape(EXAMPLES["Tokens"]["value"], tokens.get_json(), identity=frozenset())
    headers = bearer("curator")
    first = client.get("/api/v1/dataset").get_json()["dataset_version"]
    source = client.post("/api/v1/sources", json=NEW_SOURCE, headers=headers)
    action = client.post("/api/v1/treaty-actions", json={**CA_WITHDRAWAL, "sources": [NEW_SOURCE["id"]]},
                         headers=headers)
    assert source.status_code == action.status_code == 201
    writes = sorted(name for name, example in EXAMPLES.items() if example["x-request"].startswith("POST "))
    assert len(writes) == 8  # create and correct, for each of the four kinds of record
    for name in writes:
        example = EXAMPLES[name]["value"]
        assert example["revision"] == (2 if "/corrections" in EXAMPLES[name]["x-request"] else 1)
        assert sorted(example["record"]) == sorted(r.removeprefix("_") for r in example["record"])
        same_shape({**example, "supersedes": None, "record": {}}, {**action.get_json(), "record": {}},
                   identity=frozenset())
    same_shape(EXAMPLES["CorrectedSource"]["value"]["record"], source.get_json()["record"], identity=frozenset())
    example = EXAMPLES["DatasetChanges"]
    assert "/api/v1/dataset/changes?since=" in example["x-request"]
    real = client.get(f"/api/v1/dataset/changes?since={first}").get_json()
    assert real["items"] and example["value"]["items"]
    same_shape({**example["value"], "items": []}, {**real, "items": []}, identity=frozenset())
    for item in real["items"]:
        assert sorted(item) == sorted(example["value"]["items"][0])
