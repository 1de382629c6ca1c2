"""Validators right every day, in Flask and in the front door: weak If-None-Match, gzip;q=0
refused, Last-Modified and max-age of answers for today bounded by midnight (UTC)."""
import gzip
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.http import http_date, parse_date

from api.read import clock

STATUS = "/api/v1/countries/FI/status"


@pytest.fixture
def front(app_factory):
    """Versions checked once a minute, as in production: repeated reads take the front door."""
    return app_factory(VERSION_CHECK_SECONDS=60)


def at(monkeypatch, moment: datetime):
    monkeypatch.setattr(clock, "now", lambda: moment.replace(tzinfo=UTC))


def ages(response) -> tuple[int, int]:
    """(max-age, s-maxage) of a response: how long browsers, and edges, may keep it."""
    control = response.cache_control
    assert control.public
    return control.max_age, control.s_maxage


def released(client) -> datetime:
    version = client.get("/api/v1/dataset").get_json()["version"]
    return client.application.extensions["snapshots"].get(version).released


@pytest.mark.usefixtures("frozen_clock")  # a cache hit expected: the cache key holds the day
@pytest.mark.parametrize("path", ["flask", "front door"])
def test_a_weak_etag_from_a_gzipping_proxy_revalidates(client, front, path):
    url = f"{STATUS}?as_of=2020-01-01"
    client = front.test_client() if path == "front door" else client
    etag = client.get(url).headers["ETag"]
    if path == "front door":
        front.wsgi_app.inner = lambda *args: pytest.fail("a revalidation went into Flask")
    for sent in (f"W/{etag}", etag, f'"other", W/{etag}', "*"):
        response = client.get(url, headers={"If-None-Match": sent})
        assert response.status_code == 304 and response.data == b"", sent
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


@pytest.mark.usefixtures("frozen_clock")  # a cache hit expected: the cache key holds the day
@pytest.mark.parametrize("path", ["flask", "front door"])
def test_gzip_q_0_is_a_refusal(client, front, path):
    url = "/api/v1/countries?as_of=2020-01-01"
    client = front.test_client() if path == "front door" else client
    plain = client.get(url)
    for refused in ("gzip;q=0", "gzip; q=0.0, identity", "*;q=0", "br"):
        response = client.get(url, headers={"Accept-Encoding": refused})
        assert "Content-Encoding" not in response.headers and response.data == plain.data, refused
    for accepted in ("gzip;q=0.5", "br, gzip", "*"):
        response = client.get(url, headers={"Accept-Encoding": accepted})
        assert response.headers["Content-Encoding"] == "gzip" and gzip.decompress(response.data) == plain.data
        assert response.headers.get("X-Cache") == "hit"


def test_if_modified_since_does_not_keep_yesterdays_answer_for_today(client, monkeypatch):
    release = released(client)
    day_one = release + timedelta(minutes=1)
    at(monkeypatch, day_one)
    first = client.get(STATUS)
    assert parse_date(first.headers["Last-Modified"]).replace(tzinfo=None) == release.replace(microsecond=0) \
        or first.headers["Last-Modified"] == http_date(datetime.combine(day_one.date(), datetime.min.time()))
    same_day = client.get(STATUS, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert same_day.status_code == 304
    at(monkeypatch, datetime.combine(day_one.date() + timedelta(days=1), datetime.min.time()) + timedelta(seconds=30))
    next_day = client.get(STATUS, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert next_day.status_code == 200 and next_day.get_json()["as_of"] == (day_one.date() + timedelta(days=1)).isoformat()
    assert next_day.headers["Last-Modified"] == http_date(datetime.combine(day_one.date() + timedelta(days=1),
                                                                           datetime.min.time()))
    # an answer for a given date keeps the release as Last-Modified: it does not change at midnight
    dated = client.get(f"{STATUS}?as_of=2021-01-01")
    assert dated.headers["Last-Modified"] == http_date(release)
    assert client.get(f"{STATUS}?as_of=2021-01-01", headers={"If-Modified-Since": http_date(release)}).status_code == 304


def test_answers_for_today_are_fresh_until_midnight_at_most(client, monkeypatch):
    release = released(client)
    version = client.get("/api/v1/dataset").get_json()["version"]
    late = datetime.combine(release.date() + timedelta(days=1), datetime.min.time()) - timedelta(seconds=100)
    at(monkeypatch, late)
    pinned = client.get(f"{STATUS}?dataset_version={version}")
    assert ages(pinned) == (100, 100)
    assert ages(client.get(STATUS)) == (100, 100)
    assert ages(client.get("/api/v1/countries/FI")) == (100, 100)  # as_of: today
    dated = client.get(f"{STATUS}?as_of=2021-01-01&dataset_version={version}")
    assert ages(dated) == (86400, 86400)  # immutable: as_of and version given
    assert ages(client.get(f"/api/v1/treaties?dataset_version={version}")) == (86400, 86400)
    at(monkeypatch, late + timedelta(seconds=70))
    again = client.get(f"{STATUS}?dataset_version={version}")
    assert again.headers["X-Cache"] == "hit" and ages(again) == (30, 30)
    at(monkeypatch, datetime.combine(late.date(), datetime.min.time()) + timedelta(hours=12))
    assert ages(client.get(f"{STATUS}?dataset_version={version}")) == (43200, 43200)
    assert ages(client.get(STATUS)) == (300, 3600)  # edges: CDN_MAX_AGE, purged on publish


def test_the_front_door_bounds_max_age_by_midnight_too(front, monkeypatch):
    client = front.test_client()
    late = datetime.combine(released(client).date() + timedelta(days=1), datetime.min.time()) - timedelta(seconds=200)
    at(monkeypatch, late)
    assert ages(client.get(STATUS)) == (200, 200)
    at(monkeypatch, late + timedelta(seconds=150))
    front.wsgi_app.inner = lambda *args: pytest.fail("a repeated read went into Flask")
    again = client.get(STATUS)
    assert again.headers["X-Cache"] == "hit" and ages(again) == (50, 50)


@pytest.mark.parametrize("path", ["flask", "front door"])
def test_a_status_that_changes_at_midnight_is_answered_anew_after_it(app_factory, frozen_clock, path):
    # Finland's withdrawal, deposited 10 July 2025, took effect on 10 January 2026 (Article 20(2);
    # seed_data apmbc-fi-withdrawal, the Finnish foreign ministry's statement).
    app = app_factory(VERSION_CHECK_SECONDS=60) if path == "front door" else app_factory()
    client = app.test_client()
    frozen_clock.moment = datetime(2026, 1, 9, 23, 59, 59, tzinfo=UTC)
    before = [client.get(STATUS) for _ in range(2)]
    assert [r.headers["X-Cache"] for r in before] == ["miss", "hit"]
    assert {(r.json["as_of"], r.json["status"]) for r in before} == {("2026-01-09", "withdrawal_pending")}
    frozen_clock.moment = datetime(2026, 1, 10, 0, 0, 0, tzinfo=UTC)  # one second later: another day
    after = [client.get(STATUS) for _ in range(2)]
    assert [r.headers["X-Cache"] for r in after] == ["miss", "hit"]  # a new cache key: the day is in it
    assert {(r.json["as_of"], r.json["status"]) for r in after} == {("2026-01-10", "withdrawn")}
    # The answer for the day before is still the one for that day, asked by date.
    assert client.get(f"{STATUS}?as_of=2026-01-09").json["status"] == "withdrawal_pending"
