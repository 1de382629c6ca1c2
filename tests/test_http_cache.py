"""Conditional requests, compression, version headers, and reading an earlier dataset version."""
import gzip

import pytest
from helpers import edit, seed

from api.extensions import db
from api.models import DatasetVersion

# Every cached answer is keyed by the day (api/middleware/response_cache.py cache_key), so a hit
# expected across two reads turns into a miss when a run crosses midnight: "today" is frozen.
pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_reads_carry_validators_and_versions(client):
    response = client.get("/api/v1/countries/FI")
    assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"]
    assert response.headers["X-API-Version"] == "1"
    version = response.headers["X-Dataset-Version"]
    assert response.get_json()["dataset_version"] == version
    assert "public" in response.headers["Cache-Control"] and "max-age=300" in response.headers["Cache-Control"]


def test_if_none_match_gives_304_without_a_body(client):
    etag = client.get("/api/v1/countries/FI/status?as_of=2020-01-01").headers["ETag"]
    again = client.get("/api/v1/countries/FI/status?as_of=2020-01-01", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    other = client.get("/api/v1/countries/FI/status?as_of=2021-01-01", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_if_modified_since_gives_304(client):
    last_modified = client.get("/api/v1/treaties").headers["Last-Modified"]
    response = client.get("/api/v1/treaties", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304


def test_the_second_identical_read_is_served_from_the_cache_with_the_same_bytes(client):
    first = client.get("/api/v1/treaties/apmbc/timeline")
    second = client.get("/api/v1/treaties/apmbc/timeline")
    assert second.headers["X-Cache"] == "hit" and second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]


def test_gzip_when_asked(client):
    plain = client.get("/api/v1/countries")
    packed = client.get("/api/v1/countries", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 3


@pytest.mark.parametrize("url, status, parameter", [
    ("/api/v1/countries/FI?dataset_version=1999.01.01-deadbeef", 404, "dataset_version"),
    ("/api/v1/countries/FI/status?as_of=2026-02-30", 400, "as_of"),
    ("/api/v1/countries/XX/status", 404, None),  # refused after the snapshot was loaded
])
def test_errors_are_not_cached_and_name_unknown_versions(app_factory, url, status, parameter):
    app = app_factory()  # a cache of its own, empty
    client, cache = app.test_client(), app.extensions["response_cache"]
    for _ in range(2):  # asked twice: answered afresh both times, never from the cache
        response = client.get(url)
        assert response.status_code == status and "X-Cache" not in response.headers and "ETag" not in response.headers
        problem = response.get_json()
        assert problem["invalid-params"][0]["name"] == parameter if parameter else problem["detail"] == "No country 'XX'."
    assert not cache.items
    # The same read without the error is cached, so the checks above could have seen an entry.
    assert client.get("/api/v1/countries/FI").headers["X-Cache"] == "miss"
    assert client.get("/api/v1/countries/FI").headers["X-Cache"] == "hit" and len(cache.items) == 1


def test_an_earlier_dataset_version_answers_as_it_did(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    first = db.session.scalars(db.select(DatasetVersion.version)).one()
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
    seed(empty_app, seed_dir)
    files = {path: path.read_bytes() for path in sorted(seed_dir.rglob("*.yaml"))}
    client = empty_app.test_client()
    url = "/api/v1/countries/US/policies?dimension=use&as_of=2023-01-01"
    now = client.get(url).get_json()
    then = client.get(f"{url}&dataset_version={first}").get_json()
    assert now["items"][0]["restriction"] == "Korean Peninsula" and now["dataset_version"] != first
    assert then["items"][0]["restriction"] == "Korean Peninsula only" and then["dataset_version"] == first
    # Reads never write the seed files back (only `flask writeback` does).
    assert len(files) > 1 and {path: path.read_bytes() for path in sorted(seed_dir.rglob("*.yaml"))} == files


def test_query_variants_of_one_read_share_one_cache_entry(app_factory):
    client = app_factory().test_client()
    first = client.get("/api/v1/countries?as_of=2001-01-01&region=Europe")
    assert first.headers["X-Cache"] == "miss"
    for variant in ("region=Europe&as_of=2001-01-01", "&&as_of=2001-01-01&&&region=Europe&",
                    "&region=Europe&&as_of=2001-01-01"):
        again = client.get(f"/api/v1/countries?{variant}")
        assert again.headers["X-Cache"] == "hit" and again.data == first.data, variant


def counting_flask(front) -> list[str]:
    """The URLs the front door hands to Flask: which layer answered each read."""
    calls, inner = [], front.wsgi_app.inner

    def counting(environ, start_response):
        calls.append(f"{environ['PATH_INFO']}?{environ['QUERY_STRING']}".removesuffix("?"))
        return inner(environ, start_response)

    front.wsgi_app.inner = counting
    return calls


def test_the_least_recently_used_answer_is_evicted_first_also_through_the_front_door(app_factory):
    """RESPONSE_CACHE_SIZE answers at most; a hit from the front door counts as a use."""
    front = app_factory(VERSION_CHECK_SECONDS=60, RESPONSE_CACHE_SIZE=2)
    client, flask = front.test_client(), counting_flask(front)
    a, b, c = (f"/api/v1/treaties/apmbc/timeline?limit={n}" for n in (1, 2, 3))
    assert [client.get(url).headers["X-Cache"] for url in (a, b, a)] == ["miss", "miss", "hit"]
    assert flask == [a, b]  # the hit of `a` came from the front door, and made `b` the oldest
    assert client.get(c).headers["X-Cache"] == "miss"
    assert len(front.extensions["response_cache"].items) == 2
    assert client.get(a).headers["X-Cache"] == "hit" and flask == [a, b, c]  # kept
    assert client.get(b).headers["X-Cache"] == "miss" and flask == [a, b, c, b]  # evicted


def test_an_answer_larger_than_a_quarter_of_the_byte_bound_is_not_cached(app_factory):
    front = app_factory(VERSION_CHECK_SECONDS=60, RESPONSE_CACHE_BYTES=40_000)
    client, flask = front.test_client(), counting_flask(front)
    large, small = "/api/v1/countries?as_of=2020-01-01&limit=500&sort=-name", "/api/v1/treaties"
    assert len(client.get(large).data) > 10_000 and len(client.get(small).data) < 5_000
    assert [client.get(url).headers["X-Cache"] for url in (large, small)] == ["miss", "hit"]
    assert flask == [large, small, large]  # the large one each time, through Flask


@pytest.mark.slow  # thousands of varied reads
def test_the_response_cache_stays_under_its_byte_bound(app_factory):
    """Thousands of varied reads: the cache keeps the most recent answers within RESPONSE_CACHE_BYTES."""
    bound = 300_000
    app = app_factory(RESPONSE_CACHE_BYTES=bound)
    client, cache = app.test_client(), app.extensions["response_cache"]
    days = [f"{year}-{month:02d}-{day:02d}" for year in range(1999, 2027) for month in range(1, 13)
            for day in (1, 15)][:2000]
    largest = 0
    for n, day in enumerate(days):
        url = f"/api/v1/countries/FI/status?as_of={day}" if n % 2 else f"/api/v1/changes?since={day}&limit=20"
        assert client.get(url).status_code == 200
        largest = max(largest, cache.bytes)
        assert cache.bytes <= bound
    assert largest > bound * 0.8 and 20 < len(cache.items) < len(days) // 10  # full, and evicting
    assert cache.bytes == sum(cache.cost(entry) for entry in cache.items.values())
    assert client.get(url).headers["X-Cache"] == "hit"  # the most recent stay
