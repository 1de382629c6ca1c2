"""Paging through a list while curators write: the `next` and `prev` links pin the dataset
version (and the day) of the first page, so a client never skips nor repeats an item."""
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import CA_WITHDRAWAL, US_POSITION, bearer


def follow(small_client, url):
    items = []
    while url:
        body = small_client.get(url).get_json()
        items += body["items"]
        url = body["links"]["next"]
    return items


def key(item):
    return item.get("iso2") or (item.get("type"), item.get("date"), item.get("id"), item.get("record", {}).get("id"),
                                item.get("states_parties"))


@pytest.mark.parametrize("url, write, record", [
    ("/api/v1/changes?limit=2", "/api/v1/policy-positions", US_POSITION),
    ("/api/v1/changes?limit=3&sort=-date", "/api/v1/treaty-actions", CA_WITHDRAWAL),
    ("/api/v1/countries/US/history?limit=1&sort=-date", "/api/v1/policy-positions", US_POSITION),
    ("/api/v1/treaties/apmbc/timeline?limit=1&sort=-date", "/api/v1/treaty-actions", CA_WITHDRAWAL),
    ("/api/v1/countries?limit=1&sort=-status_since&as_of=2026-09-01", "/api/v1/treaty-actions", CA_WITHDRAWAL),
])
def test_a_write_between_two_pages_neither_skips_nor_repeats(small_client, url, write, record):
    whole = follow(small_client, url)
    first = small_client.get(url).get_json()
    assert len(whole) > len(first["items"]) and first["links"]["next"]
    assert small_client.post(write, json=record, headers=bearer()).status_code == 201
    after = follow(small_client, url)
    assert [key(i) for i in after] != [key(i) for i in whole]  # the write did move this list
    items = first["items"] + follow(small_client, first["links"]["next"])
    assert [key(i) for i in items] == [key(i) for i in whole]


def test_next_and_prev_pin_the_version_and_day_of_the_page_unless_the_request_did(small_client):
    body = small_client.get("/api/v1/countries?limit=1").get_json()
    query = parse_qs(urlsplit(body["links"]["next"]).query)
    assert query["dataset_version"] == [body["dataset_version"]] and query["as_of"] == [body["as_of"]]
    assert "dataset_version" not in body["links"]["first"]  # the first page starts afresh
    second = small_client.get(body["links"]["next"]).get_json()
    assert parse_qs(urlsplit(second["links"]["prev"]).query)["dataset_version"] == [body["dataset_version"]]
    assert second["links"]["next"].count("dataset_version") == 1
    changes = small_client.get("/api/v1/changes?limit=1").get_json()
    query = parse_qs(urlsplit(changes["links"]["next"]).query)
    assert query["dataset_version"] == [changes["dataset_version"]] and "as_of" not in query  # no as_of there


def test_ignorable_parameters_are_not_carried_into_links(small_client):
    body = small_client.get("/api/v1/changes?limit=1&_=1733200000000&utm_source=news").get_json()
    assert "utm_source" not in body["links"]["next"] and "_=" not in body["links"]["next"]
