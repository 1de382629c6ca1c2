"""/api/v1/sources/{id}: a source and everything that cites it."""


def test_source_lists_the_records_citing_it(client):
    body = client.get("/api/v1/sources/s-iso-3166").get_json()
    assert body["url"].startswith("https://")
    cited = body["cited_by"]
    # Each of the 197 state records of seed_data/states.yaml cites the ISO 3166 list (s-iso-3166).
    assert len(cited) == 197 and {c["type"] for c in cited} == {"state"}


def test_every_source_a_status_cites_resolves(client):
    status = client.get("/api/v1/countries/FI/status?as_of=2026-02-01").get_json()
    assert status["sources"]  # Finland's withdrawal cites its sources (seed_data apmbc-fi-withdrawal)
    for source in status["sources"]:
        body = client.get(f"/api/v1/sources/{source['id']}").get_json()
        assert {"type": "treaty_action", "id": "apmbc-fi-withdrawal"} in body["cited_by"]


def test_unknown_source_is_404(client):
    response = client.get("/api/v1/sources/nope")
    assert response.status_code == 404 and response.content_type == "application/problem+json"
