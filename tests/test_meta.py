"""The index, the API docs page, health checks, and errors for routes and methods that do not exist."""
import yaml
from helpers import ROOT


def test_index_links_every_resource(client):
    resources = client.get("/api/v1").get_json()["resources"]
    assert resources == {
        "countries": "/api/v1/countries", "treaties": "/api/v1/treaties", "country": "/api/v1/countries/{code}",
        "sources": "/api/v1/sources/{id}", "changes": "/api/v1/changes", "changes_atom": "/api/v1/changes.atom",
        "dataset": "/api/v1/dataset", "exports": "/api/v1/exports", "producers": "/api/v1/producers",
        "participants_diff": "/api/v1/treaties/{slug}/participants/diff?from=&to="}
    # Each link answers, with its placeholders filled with real values.
    real = {"{code}": "FI", "{id}": "s-iso-3166", "{slug}": "apmbc", "from=&to=": "from=2025-01-01&to=2026-03-01"}
    for link in resources.values():
        for placeholder, value in real.items():
            link = link.replace(placeholder, value)
        assert client.get(link).status_code == 200, link
    # Every public read of the contract is under one of them, but the curators' audit trail
    # (/api/v1/revisions, documented in docs/curators.md) and the index itself.
    contract = yaml.safe_load((ROOT / "openapi.yaml").read_text())["paths"]
    reads = [path for path, item in contract.items() if path.startswith("/api/v1/") and "get" in item
             and not item["get"].get("security") and not path.startswith("/api/v1/revisions/")]
    roots = [link.split("?")[0] for link in resources.values()]
    assert len(reads) > len(roots) and [path for path in reads if not path.startswith(tuple(roots))] == []


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready", "degraded": []}


def test_unknown_route_and_wrong_method_are_problems(plain_client):
    client = plain_client
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    wrong = client.post("/api/v1/countries")
    assert wrong.status_code == 405 and wrong.get_json()["allowed"] == ["GET", "HEAD", "OPTIONS"]
    assert wrong.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_docs_page_is_served_with_bundled_assets(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "/static/docs/swagger-ui-bundle.js" in page and "https://" not in page


def test_readyz_is_503_until_a_dataset_version_is_loaded(empty_app):
    """A migrated but unseeded database: the instance cannot answer a read, so it is not ready."""
    from helpers import seed_small
    client = empty_app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "No dataset version" in response.get_json()["detail"]
    assert client.get("/healthz").status_code == 200
    seed_small(empty_app)
    assert client.get("/readyz").get_json() == {"status": "ready", "degraded": []}
