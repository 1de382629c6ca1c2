"""openapi.yaml is a valid OpenAPI 3.1 document that describes exactly the app's routes."""
import json
import re

import yaml
from helpers import ROOT
from openapi_spec_validator import validate


def spec():
    return yaml.safe_load((ROOT / "openapi.yaml").read_text())


def test_spec_is_valid_openapi_3_1():
    document = spec()
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_spec_routes_equal_app_routes(app):
    app_routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
                  for rule in app.url_map.iter_rules()
                  if rule.endpoint != "static" and not rule.endpoint.startswith("pages.")
                  for method in rule.methods - {"HEAD", "OPTIONS"}}
    spec_routes = {(path, method.upper()) for path, item in spec()["paths"].items() for method in item}
    assert spec_routes == app_routes


def test_every_operation_documents_its_errors():
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            parameters = operation.get("parameters", [])
            if parameters and path.startswith("/api/v1/"):
                pinned = any(p.get("$ref", "").endswith("/DatasetVersion") for p in parameters)
                could_be_missing = "{" in path or pinned  # a create or a token list names nothing that may be missing
                assert {"400"} | ({"404"} if could_be_missing else set()) <= set(operation["responses"]), (method, path)


def test_the_spec_is_served(client):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.data)["info"]["title"] == "Mine Ban Treaty Status API"


def _objects(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _objects(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, (*path, index))


def test_responses_are_open_and_request_bodies_closed():
    """Additive changes must not break clients: no response schema forbids unknown members."""
    document = spec()
    closed = {path for path, node in _objects(document) if node.get("additionalProperties") is False}
    assert closed == {("components", "schemas", "SourceIn"), ("components", "schemas", "CorrectionIn")}
    bodies = {operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
              for item in document["paths"].values() for operation in item.values() if "requestBody" in operation}
    assert {"SourceIn", "CorrectionIn"} <= bodies


def test_an_added_field_in_a_response_still_meets_the_published_contract(client):
    from openapi_core import OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from werkzeug.wrappers import Response

    published = OpenAPI.from_dict(spec())
    response = client.get("/api/v1/countries/FI/status?as_of=2021-01-01")
    body = response.get_json() | {"added_later": {"any": "thing"}}
    body["caused_by"] = body["caused_by"] and body["caused_by"] | {"also_new": 1}
    grown = Response(json.dumps(body), 200, {k: v for k, v in response.headers.items() if k != "Content-Length"})
    published.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(grown))


def test_extensible_enums_are_marked_and_explained():
    document = spec()
    schemas = document["components"]["schemas"]
    for name in ("Status", "Dimension", "Confidence", "ObligationEventKind"):
        assert schemas[name].get("x-extensible-enum") is True, name
    assert schemas["Change"]["properties"]["type"].get("x-extensible-enum") is True
    assert "x-extensible-enum" in document["info"]["description"]
    marked = [node for node in _nodes(document) if isinstance(node, dict) and "x-extensible-enum" in node]
    assert len(marked) >= 18
    for node in marked:  # the listed values, then any string: a generated client keeps a new value as text
        assert node["anyOf"][0]["enum"] and node["anyOf"][1] == {
            "type": "string", "description": 'A value added after this version of the contract: treat it as "other".'}


def _nodes(node):
    yield node
    for child in node.values() if isinstance(node, dict) else node if isinstance(node, list) else []:
        yield from _nodes(child)


def test_the_changelog_is_linked_served_and_dated(client):
    assert "[CHANGELOG.md](/CHANGELOG.md)" in spec()["info"]["description"]
    text = client.get("/CHANGELOG.md").get_data(as_text=True)
    assert text == (ROOT / "CHANGELOG.md").read_text()
    dates = re.findall(r"^## (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert dates and dates[0] >= "2026-12-03" and dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    assert client.get("/api/v1").get_json()["changelog"] == "/CHANGELOG.md"
    for header in ("Deprecation", "Sunset"):
        assert header in spec()["info"]["description"]


def test_every_parameter_is_described_and_reads_declare_conditional_headers():
    document = spec()
    shared = document["components"]["parameters"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            parameters = [shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
                          for p in operation.get("parameters", [])]
            assert all(p.get("description") for p in parameters), (method, path)
            if "304" in operation["responses"]:
                assert {"If-None-Match", "If-Modified-Since"} <= {p["name"] for p in parameters}, (method, path)
    assert all(tag.get("description") for tag in document["tags"])
    assert document["info"]["contact"]["name"]
