"""The change feed (JSON and Atom), for everything and per country."""
import xml.etree.ElementTree as ET

import pytest
import yaml
from helpers import CA_WITHDRAWAL, NEW_SOURCE, US_POSITION, bearer, edit, seed

from api.extensions import db
from api.models import DatasetVersion
from api.read import clock

ATOM = "{http://www.w3.org/2005/Atom}"


def test_changes_since_a_date_newest_first(client):
    body = client.get("/api/v1/changes?since=2025-06-01&limit=500").get_json()
    dates = [i["date"] for i in body["items"]]
    assert dates == sorted(dates, reverse=True) and min(dates) >= "2025-06-01"
    withdrawals = {i["state"] for i in body["items"] if i["kind"] == "withdrawal"}
    assert withdrawals == {"EE", "FI", "LT", "LV", "PL"}
    assert {i["type"] for i in body["items"]} == {"event"}


def test_corrections_recorded_in_a_later_version_are_typed_as_such(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    edit(seed_dir / "treaty_actions" / "apmbc.yaml", "apmbc-fi-accession", notes="Deposit date checked.")
    seed(empty_app, seed_dir)
    second = db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.loaded_at.desc())).first()
    items = empty_app.test_client().get("/api/v1/changes?since=2026-01-01").get_json()["items"]
    corrections = [i for i in items if i["type"] == "correction"]
    title = f"The treaty action apmbc-fi-accession about Finland was changed (notes) in dataset version {second.version}"
    assert corrections == [{"type": "correction", "date": second.loaded_at.date().isoformat(),
                            "table": "treaty_action", "id": "apmbc-fi-accession", "state": "FI", "treaty": "apmbc",
                            "kind": "changed", "recorded_in": second.version, "title": title,
                            "summary": f"{title}.", "fields": {"notes": [None, "Deposit date checked."]}}]


def parse_feed(response):
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        assert all(entry.find(f"{ATOM}{name}") is not None for name in ("id", "title", "updated", "summary"))
    assert len({e.find(f"{ATOM}id").text for e in entries}) == len(entries)
    return entries


def test_atom_feed_for_everything(client):
    entries = parse_feed(client.get("/api/v1/changes.atom"))
    assert 0 < len(entries) <= 50


def test_atom_feed_per_country(client):
    entries = parse_feed(client.get("/api/v1/countries/fi/changes.atom?since=2025-01-01"))
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles and all(t.startswith("Finland") for t in titles)
    # seed_data/treaty_actions/apmbc.yaml, apmbc-fi-withdrawal: effective 2026-01-10
    assert "Finland's withdrawal from the Mine Ban Treaty took effect on 10 January 2026" in titles
    assert client.get("/api/v1/countries/fi/changes.atom").headers["ETag"]


@pytest.mark.parametrize("code, closest", [("ZZ", None), ("ZZZ", None), ("999", None), ("Finlnd", "FI")])
def test_the_feed_of_an_unknown_country_is_a_404_problem_asked_again_anew(app_factory, code, closest):
    """Front door on (VERSION_CHECK_SECONDS > 0): the problem is answered by Flask each time, never
    from a cache, and suggests the closest country when there is one."""
    front = app_factory(VERSION_CHECK_SECONDS=60)
    client, url = front.test_client(), f"/api/v1/countries/{code}/changes.atom"
    for _ in range(2):
        response = client.get(url)
        assert (response.status_code, response.mimetype) == (404, "application/problem+json")
        assert response.get_json()["detail"] == f"No country '{code}'." and "X-Cache" not in response.headers
    if closest:
        assert response.get_json()["closest"][0]["iso2"] == closest


def every_feed(client) -> dict[str, list]:
    """Each Atom feed (site-wide, and every country's), parsed; and the JSON list of changes."""
    countries = client.get("/api/v1/countries").json["items"]
    assert countries
    urls = ["/api/v1/changes.atom", f"/api/v1/changes.atom?since={clock.today().isoformat()}"] + \
        [f"/api/v1/countries/{c['iso2']}/changes.atom" for c in countries]
    feeds = {url: parse_feed(client.get(url)) for url in urls}
    for entries in feeds.values():
        # (feedgen writes no rel: a link without one is the alternate link Atom requires)
        assert all(e.find(f"{ATOM}link").get("href").startswith("http") for e in entries)
    assert client.get("/api/v1/changes?limit=500").status_code == 200
    return feeds


def test_every_feed_survives_every_kind_of_change(empty_app, seed_dir):
    """The README's worked example (a new source and an accession, through `flask seed`), then
    each kind of curator write through the API: every feed still reads after each."""
    (seed_dir / "sources" / "treaty.yaml").write_text(yaml.safe_dump([{
        "id": "t-untc-cn-123-2026", "url": "https://treaties.un.org/doc/Publication/CN/2026/CN.123.2026-Eng.pdf",
        "title": "United States: accession", "publisher": "United Nations", "published": "2026-12-14",
        "accessed": "2026-12-15"}], sort_keys=False))
    actions = seed_dir / "treaty_actions" / "apmbc.yaml"
    actions.write_text(actions.read_text() + yaml.safe_dump([{
        "id": "apmbc-us-accession", "state": "US", "kind": "accession", "date": "2026-12-14",
        "effective": "2027-06-01", "depositary_ref": "C.N.123.2026.TREATIES-XXVI.5",
        "confidence": "confirmed_primary", "sources": ["t-untc-cn-123-2026"]}], sort_keys=False))
    assert seed(empty_app, seed_dir).exit_code == 0
    seed(empty_app, seed_dir)  # the first load is the baseline; load it again as a second version
    client = empty_app.test_client()
    every_feed(client)
    auth = bearer()
    obligation = {"id": "apmbc-ca-art5-reported", "state": "CA", "article": 5, "kind": "obligation_reported",
                  "date": "1999-08-01", "confidence": "confirmed_secondary", "sources": [NEW_SOURCE["id"]]}
    undated = {"id": "apmbc-us-signature", "state": "US", "kind": "signature", "date": None,
               "notes": "The day is not known.", "confidence": "single_source", "sources": [NEW_SOURCE["id"]]}
    writes = [("/api/v1/sources", NEW_SOURCE, {}),
              ("/api/v1/treaty-actions", CA_WITHDRAWAL, {}),
              ("/api/v1/treaty-actions", undated, {}),
              ("/api/v1/policy-positions", US_POSITION, {}),
              ("/api/v1/obligation-events", obligation, {}),
              ("/api/v1/treaty-actions/apmbc-ca-withdrawal/corrections",
               {"reason": "Depositary notification re-read.", "changes": {"notes": "Checked."}}, {"If-Match": '"r1"'}),
              ("/api/v1/sources/t-untc-cn-1-2026/corrections",
               {"reason": "Title as published.", "changes": {"title": "Canada: notification of withdrawal"}},
               {"If-Match": '"r1"'})]
    for path, body, headers in writes:
        response = client.post(path, json=body, headers=auth | headers)
        assert response.status_code == 201, (path, response.json)
        feeds = every_feed(client)
        written = response.json["id"]
        assert any(written in e.find(f"{ATOM}id").text for e in feeds["/api/v1/changes.atom"]), path
    site = feeds["/api/v1/changes.atom"]
    source_entry = next(e for e in site if f"/source/{NEW_SOURCE['id']}/" in e.find(f"{ATOM}id").text)
    assert source_entry.find(f"{ATOM}link").get("href").endswith(f"/api/v1/sources/{NEW_SOURCE['id']}")
