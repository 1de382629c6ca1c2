"""When states existed: before its first day as a state (`exists_from`, from the Gleditsch-Ward
list) a state is `not_a_state` and in no count, answer, export or panel row.

Dates cited: South Sudan became independent on 9 July 2011 (ISU, "the date of State succession";
Gleditsch-Ward 09:07:2011); Montenegro on 3 June 2006 (Landmine Monitor footnote; Gleditsch-Ward
03:06:2006); Timor-Leste on 20 May 2002 (Gleditsch-Ward). The dataset has 197 states.
"""
import io
from datetime import date

import pandas as pd
import pytest

from api.pages import page_data
from api.rules import status
from api.write.seed_files import check_existence

NOT_YET = {"2001-12-31": {"TL", "ME", "SS"}, "2005-12-31": {"ME", "SS"}, "2011-07-08": {"SS"}, "2011-07-09": set()}


@pytest.mark.parametrize("day, missing", NOT_YET.items())
def test_no_state_is_counted_before_it_existed(client, day, missing):
    body = client.get(f"/api/v1/treaties/apmbc?as_of={day}").get_json()
    assert "not_a_state" not in body["status_counts"]
    assert sum(body["status_counts"].values()) == 197 - len(missing)
    listed = client.get(f"/api/v1/treaties/apmbc/participants?as_of={day}&status=not_a_state&limit=100").get_json()
    assert {item["iso2"] for item in listed["items"]} == missing
    participants = client.get(f"/api/v1/treaties/apmbc/participants?as_of={day}&limit=200").get_json()["items"]
    assert participants and not missing & {item["iso2"] for item in participants}


def test_on_2005_12_31_south_sudan_and_montenegro_are_not_a_state(client):
    for code in ("SS", "ME"):
        body = client.get(f"/api/v1/countries/{code}/status?as_of=2005-12-31").get_json()
        assert (body["status"], body["since"], body["caused_by"]) == ("not_a_state", None, None)
        assert "did not exist as a state then" in body["summary"]
    country = client.get("/api/v1/countries/SS").get_json()
    assert (country["exists_from"], country["exists_until"]) == ("2011-07-09", None)


def test_successions_take_effect_on_the_successors_first_day_as_a_state(client):
    # One rule: South Sudan notified on 11 November 2011, Montenegro on 23 October 2006; both are
    # parties from independence (ISU for South Sudan; the same general notification's effect for Montenegro).
    for code, first_day, notified in (("SS", "2011-07-09", "2011-11-11"), ("ME", "2006-06-03", "2006-10-23")):
        body = client.get(f"/api/v1/countries/{code}/status?as_of={notified}").get_json()
        assert (body["status"], body["since"]) == ("state_party", first_day)
        assert client.get(f"/api/v1/countries/{code}").get_json()["exists_from"] == first_day


def test_exports_leave_out_states_that_did_not_exist(client):
    statuses = pd.read_csv(io.BytesIO(client.get("/api/v1/exports/statuses.csv?as_of=2005-12-31").data),
                           keep_default_na=False)
    assert len(statuses) == 195 and not {"SSD", "MNE"} & set(statuses["iso3"])
    assert "TLS" in set(statuses["iso3"])
    states = pd.read_csv(io.BytesIO(client.get("/api/v1/exports/states.csv").data), keep_default_na=False)
    assert dict(zip(states["iso3"], states["exists_from"]))["SSD"] == "2011-07-09"


def test_the_home_page_counts_no_state_outside_the_treaty_before_it_existed():
    items = [{"status": status.NOT_A_STATE}, {"status": status.NOT_SIGNATORY}, {"status": status.STATE_PARTY}]
    figures = page_data.headline(items)
    assert (figures["parties"], figures["outside"]) == (1, 1)


def test_status_on_reads_existence_at_both_ends():
    timeline = [status.Transition(status.STATE_PARTY, date(2011, 7, 9), "a")]
    existence = status.Existence(date(2011, 7, 9), date(2030, 1, 1))
    assert status.status_on(timeline, date(2011, 7, 8), existence).status == status.NOT_A_STATE
    assert status.status_on(timeline, date(2011, 7, 9), existence).status == status.STATE_PARTY
    assert status.status_on(timeline, date(2030, 1, 1), existence).status == status.STATE_PARTY
    assert status.status_on(timeline, date(2030, 1, 2), existence) == status.Transition(
        status.NOT_A_STATE, date(2030, 1, 2), None)


def _tables(action: dict) -> dict:
    state = {"iso2": "SS", "exists_from": date(2011, 7, 9), "exists_until": None}
    return {"state": {"SS": state}, "treaty_action": {action["id"]: action}}


def test_the_seed_refuses_an_act_before_the_state_existed_and_a_succession_dated_by_another_rule():
    succession = {"id": "s", "state_iso2": "SS", "kind": "succession", "date": date(2011, 11, 11),
                  "effective": date(2011, 7, 9)}
    assert list(check_existence(_tables(succession))) == []
    by_article_17 = dict(succession, effective=date(2012, 5, 1))
    assert [f.field for f in check_existence(_tables(by_article_17))] == ["effective"]
    too_early = {"id": "a", "state_iso2": "SS", "kind": "signature", "date": date(2005, 1, 1), "effective": None}
    assert [f.field for f in check_existence(_tables(too_early))] == ["date"]


def test_a_treaty_actions_quote_is_served_with_it(client):
    # Finland's foreign ministry statement, as quoted by Caliber.Az on 11 July 2025.
    body = client.get("/api/v1/countries/FI/status?as_of=2025-09-01").get_json()
    assert body["caused_by"]["quote"] == ("Finland presented the instrument of withdrawal from the Ottawa "
                                          "Anti-Personnel Landmines Convention on 10 July 2025.")
