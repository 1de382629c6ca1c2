"""/api/v1/treaties: the treaty record, participants on a date, the parties over time, and the
participants diff between two dates."""
import pytest


def test_treaty_list_and_detail(client):
    items = client.get("/api/v1/treaties").get_json()["items"]
    assert [t["slug"] for t in items] == ["apmbc"]
    body = client.get("/api/v1/treaties/APMBC").get_json()
    assert (body["entry_into_force"], body["adopted"]) == ("1999-03-01", "1997-09-18")
    assert body["sources"]


def test_status_counts_add_up_to_every_state(client):
    body = client.get("/api/v1/treaties/apmbc?as_of=2025-10-01").get_json()
    assert sum(body["status_counts"].values()) == 197
    assert body["status_counts"]["withdrawal_pending"] == 5


def test_participants_excludes_states_that_never_acted_unless_asked(client):
    body = client.get("/api/v1/treaties/apmbc/participants?as_of=2026-03-01").get_json()
    statuses = {i["status"] for i in body["items"]}
    assert "not_signatory" not in statuses and "withdrawn" in statuses
    outside = client.get("/api/v1/treaties/apmbc/participants?status=not_signatory").get_json()
    assert "US" in [i["iso2"] for i in outside["items"]]
    assert body["count"] + outside["count"] == 197


def test_participants_on_entry_into_force_day(client):
    items = client.get("/api/v1/treaties/apmbc/participants?as_of=1999-03-01&status=state_party").get_json()["items"]
    parties = {i["iso2"] for i in items}
    assert {"CA", "BF", "IE"} <= parties and "FI" not in parties
    assert all(i["status_since"] == "1999-03-01" for i in items)


def test_timeline_counts_follow_each_change(client):
    points = client.get("/api/v1/treaties/apmbc/timeline").get_json()["items"]
    assert points[0]["date"] == "1999-03-01"
    running = 0
    for point in points:
        running += sum(change["delta"] for change in point["changes"])
        assert point["states_parties"] == running
    withdrawals = [p for p in points if any(c["status"] == "withdrawn" for c in p["changes"])]
    assert [p["date"] for p in withdrawals] == ["2025-12-27", "2026-01-10", "2026-02-20"]
    assert [c["iso2"] for c in withdrawals[0]["changes"]] == ["EE", "LV", "LT"]


def test_unknown_treaty_is_404(client):
    response = client.get("/api/v1/treaties/ccm/participants")
    assert response.status_code == 404 and response.get_json()["valid"] == ["apmbc"]


def test_participants_diff(client):
    body = client.get("/api/v1/treaties/apmbc/participants/diff?from=2025-01-01&to=2026-03-01").get_json()
    assert [i["iso2"] for i in body["joined"]] == ["MH", "TO"]
    assert sorted(i["iso2"] for i in body["left"]) == ["EE", "FI", "LT", "LV", "PL"]
    assert body["changed"] == []
    pending = client.get("/api/v1/treaties/apmbc/participants/diff?from=2025-06-01&to=2025-09-01").get_json()
    assert {(i["iso2"], i["to"]) for i in pending["changed"]} >= {("FI", "withdrawal_pending")}


@pytest.mark.parametrize("query, parameter", [("from=2026-01-01&to=2025-01-01", "from"),
                                              ("from=2025-01-01", "to"), ("from=2025-13-01&to=2026-01-01", "from")])
def test_participants_diff_bad_dates(client, query, parameter):
    response = client.get(f"/api/v1/treaties/apmbc/participants/diff?{query}")
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalid-params"]] == [parameter]
