"""The index, the API docs page, health checks, and errors for routes and methods that do not exist."""


def test_index_links_every_resource(client):
    resources = client.get("/api/v1").get_json()["resources"]
    assert resources["countries"] == "/api/v1/countries" and resources["treaties"] == "/api/v1/treaties"


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
