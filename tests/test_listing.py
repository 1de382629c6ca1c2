"""Every list pages, selects fields and sorts the same way."""
import re

import pytest


def follow(client, url):
    """All items of a list, page by page through the `next` links."""
    items, pages = [], 0
    while url:
        response = client.get(url)
        body = response.get_json()
        items += body["items"]
        assert response.headers["X-Total-Count"] == str(body["count"])
        url, pages = body["links"]["next"], pages + 1
    return items, pages


def test_paging_through_a_list_yields_every_item_once(client):
    whole = client.get("/api/v1/countries?limit=500").get_json()["items"]
    items, pages = follow(client, "/api/v1/countries?limit=50&region=Africa")
    # 54: the states whose UN M49 region is Africa in seed_data/states.yaml (s-un-m49), all UN members.
    assert pages == 2 and len(items) == 54
    assert items == [i for i in whole if i["region"] == "Africa"]


def test_link_header_names_first_prev_and_next(client):
    first = client.get("/api/v1/countries?limit=10")
    assert 'rel="first"' in first.headers["Link"] and 'rel="next"' in first.headers["Link"]
    assert 'rel="prev"' not in first.headers["Link"]
    next_url = re.search(r'<([^>]+)>; rel="next"', first.headers["Link"]).group(1)
    second = client.get(next_url)
    assert 'rel="prev"' in second.headers["Link"]
    assert second.get_json()["items"][0] != first.get_json()["items"][0]
    assert client.get(next_url).get_json() == second.get_json()  # a page is stable


@pytest.mark.parametrize("query, parameter, hint", [
    ("limit=501", "limit", "between 1 and 500"), ("limit=0", "limit", "between 1 and 500"),
    ("limit=-5", "limit", "between 1 and 500"), ("limit=ten", "limit", "integer"),
    ("cursor=%%%%", "cursor", "next"), ("cursor=bm9wZQ", "cursor", "next"),
    ("fields=name,capital", "fields", "valid: iso2, iso3, name"),
    ("sort=population", "sort", "valid: iso2, iso3, name"),
])
def test_bad_list_parameters_are_400s_that_list_the_valid_values(client, query, parameter, hint):
    response = client.get(f"/api/v1/countries?{query}")
    assert response.status_code == 400
    param = response.get_json()["invalid-params"][0]
    assert param["name"] == parameter and hint in param["reason"]


def test_fields_returns_only_the_selected_fields(client):
    items = client.get("/api/v1/countries?fields=iso2,status&limit=3").get_json()["items"]
    assert [set(i) for i in items] == [{"iso2", "status"}] * 3


def test_sort_by_several_keys_and_descending(client):
    items = client.get("/api/v1/countries?sort=-status_since,iso2&limit=3&as_of=2026-11-28").get_json()["items"]
    assert [i["iso2"] for i in items] == ["PL", "FI", "EE"]
    timeline = client.get("/api/v1/treaties/apmbc/timeline?sort=-date&limit=1").get_json()["items"]
    assert timeline[0]["date"] == "2026-02-20"


@pytest.mark.parametrize("url", ["/api/v1/treaties", "/api/v1/treaties/apmbc/participants",
                                 "/api/v1/treaties/apmbc/timeline", "/api/v1/countries/US/history",
                                 "/api/v1/countries/US/policies"])
def test_every_list_is_paged(client, url):
    body = client.get(url, query_string={"limit": 1}).get_json()
    assert len(body["items"]) == 1 and body["limit"] == 1 and body["count"] >= 1
