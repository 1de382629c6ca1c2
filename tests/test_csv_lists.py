"""Lists as CSV (api/routes/csv_lists.py): `format=csv` and `Accept: text/csv` on the country,
participant, policy and change lists; a 406 for an Accept that takes neither; and a cache (the
response cache and the fast path) that never gives one client the other's representation."""
import csv
import io

import pandas as pd
import pytest
from helpers import edit, seed

LISTS = ["/api/v1/countries?as_of=2026-06-01&region=Europe",
         "/api/v1/treaties/apmbc/participants?as_of=2026-06-01&status=withdrawn",
         "/api/v1/countries/US/policies?as_of=2021-04-06",
         "/api/v1/changes?since=2026-01-01"]


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("url", LISTS)
def test_each_list_as_csv_has_the_json_items_filters_and_links(client, frozen_clock, url):
    json_answer = client.get(url)
    csv_answer = client.get(f"{url}&format=csv")
    assert csv_answer.status_code == 200
    assert csv_answer.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert "Accept" in csv_answer.headers["Vary"] and "Accept" in json_answer.headers["Vary"]
    items, table = json_answer.get_json()["items"], rows(csv_answer)
    assert items and len(table) == len(items)
    assert csv_answer.headers["X-Total-Count"] == json_answer.headers["X-Total-Count"]
    for item, row in zip(items, table, strict=True):
        assert row["id" if "id" in item else "iso2"] == str(item["id" if "id" in item else "iso2"])
    if "rel=\"next\"" in csv_answer.headers["Link"]:
        assert "format=csv" in csv_answer.headers["Link"]


def test_filters_apply_to_the_csv(client):
    # Estonia's and Finland's withdrawals took effect on 2025-12-27 and 2026-01-10
    # (seed_data/treaty_actions/apmbc.yaml, from the UN depositary notifications cited there).
    answer = client.get("/api/v1/countries?status=withdrawn&as_of=2026-06-01&region=Europe&format=csv")
    table = rows(answer)
    assert {row["iso3"] for row in table} >= {"EST", "FIN"}
    assert {row["status"] for row in table} == {"withdrawn"}
    assert list(table[0]) == ["iso2", "iso3", "name", "region", "subregion", "status", "status_since"]


def test_fields_and_nested_columns(client):
    chosen = rows(client.get("/api/v1/countries?as_of=2026-06-01&fields=name,iso3&limit=3&format=csv"))
    assert chosen and list(chosen[0]) == ["name", "iso3"]
    url = "/api/v1/countries/US/policies?as_of=2021-04-06"
    policies, items = rows(client.get(f"{url}&format=csv")), client.get(url).get_json()["items"]
    assert policies and {"replaces.id", "replaces.position", "sources"} <= set(policies[0])
    # The US 2020-01-31 positions replaced 2014 ones (seed_data/policies/US.yaml).
    assert any(row["replaces.id"].startswith("us-2014-") for row in policies)
    for row, item in zip(policies, items, strict=True):
        assert row["sources"].split(";") == [source["id"] for source in item["sources"]]
        assert row["replaces.effective"] == (item["replaces"] or {}).get("effective", "")


def test_pandas_reads_every_list_and_namibia_needs_iso3_or_text(client, frozen_clock):
    for url in LISTS:
        frame = pd.read_csv(io.BytesIO(client.get(f"{url}&format=csv").data))
        assert len(frame) > 0
    url = "/api/v1/countries?as_of=2026-06-01&region=Africa&limit=500&format=csv"
    body = client.get(url).data
    frame = pd.read_csv(io.BytesIO(body))  # pandas' defaults read "NA" as missing
    namibia = frame[frame["iso3"] == "NAM"]  # ISO 3166-1: Namibia is NA / NAM
    assert len(namibia) == 1 and namibia["iso2"].isna().all()  # why the docs say: join on iso3
    as_text = pd.read_csv(io.BytesIO(body), keep_default_na=False)
    assert as_text.loc[as_text["iso3"] == "NAM", "iso2"].tolist() == ["NA"]


def test_formula_cells_are_neutralised(empty_app, seed_dir):
    edit(seed_dir / "policies" / "FI.yaml", "fi-2012-07-01-use", summary='=HYPERLINK("http://x.example","y")',
         notes="@SUM(1)")
    assert seed(empty_app, seed_dir).exit_code == 0
    client = empty_app.test_client()
    row = next(r for r in rows(client.get("/api/v1/countries/FI/policies?as_of=2013-01-01&format=csv"))
               if r["id"] == "fi-2012-07-01-use")
    assert row["summary"] == '\'=HYPERLINK("http://x.example","y")' and row["notes"] == "'@SUM(1)"
    assert row["effective"] == "2012-07-01"  # dates are not text: written as they are


def test_a_change_lists_its_changed_fields(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    edit(seed_dir / "treaty_actions" / "apmbc.yaml", "apmbc-fi-accession", notes="Deposit date checked.")
    seed(empty_app, seed_dir)
    table = rows(empty_app.test_client().get("/api/v1/changes?since=2026-01-01&format=csv"))
    corrections = [row for row in table if row["type"] == "correction"]
    assert [(row["id"], row["fields"]) for row in corrections] == [("apmbc-fi-accession", "notes")]


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv", "text/csv"), ("text/*", "text/csv"), ("text/csv, application/json;q=0.5", "text/csv"),
    ("*/*", "application/json"), ("application/json", "application/json"), (None, "application/json"),
    ("application/json, text/csv", "application/json"),
])
def test_accept_chooses_the_representation(client, frozen_clock, accept, expected):
    headers = {"Accept": accept} if accept else {}
    answer = client.get("/api/v1/countries?region=Oceania", headers=headers)
    assert answer.status_code == 200 and answer.mimetype == expected


@pytest.mark.parametrize("url", LISTS)
def test_an_unsupported_accept_is_a_406_listing_the_supported_types(client, frozen_clock, url):
    answer = client.get(url, headers={"Accept": "application/xml"})
    assert answer.status_code == 406 and answer.content_type == "application/problem+json"
    assert answer.get_json()["supported"] == ["application/json", "text/csv"]
    assert client.get(f"{url}&format=csv", headers={"Accept": "application/xml"}).status_code == 200  # format wins


def test_format_is_validated(client):
    answer = client.get("/api/v1/countries?format=xml")
    assert answer.status_code == 400 and answer.get_json()["invalid-params"][0]["name"] == "format"


def test_the_response_cache_keeps_csv_and_json_apart(client, frozen_clock):
    url = "/api/v1/countries?region=Americas&limit=7"
    csv_first = client.get(url, headers={"Accept": "text/csv"})
    json_next = client.get(url, headers={"Accept": "application/json"})
    csv_again = client.get(url, headers={"Accept": "text/csv"})
    assert csv_first.mimetype == csv_again.mimetype == "text/csv" and json_next.mimetype == "application/json"
    assert csv_again.headers["X-Cache"] == "hit" and csv_again.data == csv_first.data
    assert json_next.headers["ETag"] != csv_first.headers["ETag"]
    assert client.get(url, headers={"Accept": "application/xml"}).status_code == 406  # never a cached answer


@pytest.fixture
def front(app_factory):
    """The fast path on, versions checked once a minute (as in production)."""
    return app_factory(VERSION_CHECK_SECONDS=60)


@pytest.mark.parametrize("url", ["/api/v1/countries?region=Asia&limit=9",
                                 "/api/v1/countries?as_of=2020-01-01&limit=500"])  # the any-date answer too
def test_the_fast_path_keeps_csv_and_json_apart(front, frozen_clock, url):
    client = front.test_client()
    json_first = client.get(url)
    csv_first = client.get(url, headers={"Accept": "text/csv"})
    assert json_first.mimetype == "application/json" and csv_first.mimetype == "text/csv"
    front.wsgi_app.inner = lambda *args: pytest.fail("a repeated read went into Flask")
    for _ in range(2):
        assert client.get(url, headers={"Accept": "text/csv"}).data == csv_first.data
        assert client.get(url).get_json() == json_first.get_json()
        assert client.get(url, headers={"Accept": "*/*"}).mimetype == "application/json"
