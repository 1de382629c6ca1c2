"""Credentials and parameters: a wrong X-API-Key is a 401, `_` and `utm_*` are ignored, every
other unknown parameter is a 400 naming it, and dates are exactly YYYY-MM-DD."""
import pytest

URL = "/api/v1/countries/FI/status?as_of=2020-01-01"


@pytest.fixture
def keyed(app_factory):
    return app_factory(API_KEYS=["k-1234567890"], VERSION_CHECK_SECONDS=60, RATELIMIT_ENABLED=True,
                       RATELIMIT_ANONYMOUS="50 per minute", RATELIMIT_WITH_KEY="100 per minute")


@pytest.mark.parametrize("key", ["k-123456789", "wrong", ""])
def test_an_unknown_api_key_is_a_401_problem_not_an_anonymous_read(keyed, key):
    client = keyed.test_client()
    assert client.get(URL).status_code == 200  # cached: the front door would answer a repeat
    response = client.get(URL, headers={"X-API-Key": key})
    assert response.status_code == 401 and response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("ApiKey") and "X-API-Key" in response.get_json()["detail"]
    assert client.get("/api/v1/treaties", headers={"X-API-Key": key}).status_code == 401


@pytest.mark.usefixtures("frozen_clock")  # a cache hit expected: the cache key holds the day
def test_a_known_key_reads_with_its_limit(keyed):
    client = keyed.test_client()
    response = client.get(URL, headers={"X-API-Key": "k-1234567890"})
    assert response.status_code == 200 and response.headers["RateLimit-Limit"] == "100"
    assert client.get(URL, headers={"X-API-Key": "k-1234567890"}).headers["X-Cache"] == "hit"
    assert client.get(URL).headers["RateLimit-Limit"] == "50"


def test_without_api_keys_configured_any_key_is_unknown(client):
    assert client.get("/api/v1/treaties", headers={"X-API-Key": "anything"}).status_code == 401


@pytest.mark.parametrize("query", ["_=1733200000000", "utm_source=news&utm_medium=widget", "utm_campaign=x&_=1"])
def test_cache_busters_and_campaign_tags_are_ignored(client, query):
    plain = client.get(URL).get_json()
    assert client.get(f"{URL}&{query}").get_json() == plain
    assert client.get(f"/api/v1/changes?limit=1&{query}").status_code == 200


@pytest.mark.parametrize("query, name", [("utm=1", "utm"), ("__=1", "__"), ("_x=1", "_x"), ("page=2", "page")])
def test_other_unknown_parameters_stay_400s_naming_them(client, query, name):
    response = client.get(f"{URL}&{query}")
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalid-params"]] == [name]


@pytest.mark.parametrize("url, name", [
    ("/api/v1/countries/FI/status?as_of={}", "as_of"), ("/api/v1/countries?as_of={}", "as_of"),
    ("/api/v1/changes?since={}", "since"), ("/api/v1/changes.atom?since={}", "since"),
    ("/api/v1/treaties/apmbc/participants/diff?from={}&to=2022-01-01", "from"),
    ("/api/v1/treaties/apmbc/participants/diff?from=2020-01-01&to={}", "to"),
])
@pytest.mark.parametrize("day", ["2021-4-6", "20210406", "2021-W14-2", "2021-04-06T00:00", " 2021-04-06"])
def test_dates_must_be_yyyy_mm_dd_exactly(client, url, name, day):
    response = client.get(url.format(day))
    assert response.status_code == 400
    params = response.get_json()["invalid-params"]
    assert params[0]["name"] == name and "YYYY-MM-DD" in params[0]["reason"]
    assert client.get(url.format("2021-04-06")).status_code == 200
