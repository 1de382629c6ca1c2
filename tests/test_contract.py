"""openapi.yaml is a valid OpenAPI 3.1 document that describes exactly the app's routes."""
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
