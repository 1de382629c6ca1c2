"""The curated dataset itself: complete, sourced, consistent with the treaty's articles, and
answering journalists' questions correctly through the HTTP API."""
import calendar
import re
from collections import Counter
from datetime import date
from urllib.parse import urlsplit

import pytest
from helpers import SEED_DIR

from api.rules import status
from api.write.seed_files import read_seed

DATA = read_seed(SEED_DIR)
CONSENTS = ("ratification", "acceptance", "approval", "accession", "succession")  # Article 16 and succession


def test_all_197_states_with_unique_codes():
    states = DATA.tables["state"].values()
    # The 193 UN member states (s-un-members) and four more that can join the treaty: the Holy See and
    # Palestine (UN observer states, both parties) and the Cook Islands and Niue (seed_data/states.yaml).
    assert len(states) == 197 and sum(s["un_member"] for s in states) == 193
    for field in ("iso2", "iso3", "numeric"):
        assert len({s[field] for s in states}) == 197
    assert {"VA", "PS", "CK", "NU"} <= {s["iso2"] for s in states if not s["un_member"]}


@pytest.mark.parametrize("table", ["treaty", "state", "treaty_action", "policy_position", "obligation_event",
                                   "producer_list"])
def test_every_fact_has_a_source_and_a_confidence_mark(table):
    for key, record in DATA.tables[table].items():
        assert record["sources"], key
        assert record["confidence"] in ("confirmed_primary", "confirmed_secondary", "single_source"), key


def test_every_source_is_well_formed_and_cited():
    cited = Counter(s for table in DATA.tables if table != "source"
                    for record in DATA.tables[table].values() for s in record["sources"])
    for key, source in DATA.tables["source"].items():
        assert source["url"].startswith(("http://", "https://")) and source["title"] and source["publisher"], key
        assert cited[key] > 0, key
    assert set(cited) <= set(DATA.tables["source"])


MONITOR = "Landmine and Cluster Munition Monitor"


def test_the_monitor_and_the_icbl_are_each_named_one_way():
    publishers = {source["publisher"] for source in DATA.tables["source"].values()}
    monitor = {p for p in publishers if re.match(r"(Human Rights Watch / )?Landmine (and Cluster Munition )?Monitor", p)}
    assert MONITOR in monitor and {p.split(" (copy")[0] for p in monitor} == {MONITOR}
    assert not [p for p in publishers if p.startswith("ICBL") or p.endswith("(ICBL)") or "People’s" in p]


# Sources judged too weak to rest a treaty action on (a games site, an answers page), replaced by stronger ones.
WEAK = ("https://www.gamereactor.eu/", "https://fixanswer.com/")


def test_no_treaty_action_rests_on_a_games_site_or_an_answers_page():
    urls = [DATA.tables["source"][s]["url"] for a in DATA.tables["treaty_action"].values() for s in a["sources"]]
    assert urls and not [url for url in urls if url.startswith(WEAK)]


RECENT = sorted(key for key, action in DATA.tables["treaty_action"].items()
                if (action["date"] is None or action["date"].year >= 2025))


@pytest.mark.parametrize("key", RECENT)
def test_every_2025_26_action_carries_a_quote_from_a_cited_source(key):
    # Each quote was read at one of the record's sources (seed_data/README.md, "Quotes").
    assert len(RECENT) == 9 and DATA.tables["treaty_action"][key]["quote"]


def test_every_treaty_action_has_a_quote_or_a_note_saying_why_it_has_none():
    # 2026-12-03: 297 acts quoted, 9 with a "No quote: ..." note (seed_data/README.md, "Quotes").
    actions = DATA.tables["treaty_action"]
    unexplained = [key for key, action in actions.items()
                   if not action["quote"] and "No quote" not in (action["notes"] or "")]
    assert unexplained == []
    assert sum(1 for action in actions.values() if action["quote"]) >= 297


def test_every_policy_position_has_a_quote_or_a_note_saying_why_it_has_none():
    # 2026-12-03: 250 positions quoted, 9 with a "No quote: ..." note (seed_data/README.md, policies, "Quotes").
    positions = DATA.tables["policy_position"]
    unexplained = [key for key, position in positions.items()
                   if not position["quote"] and "No quote" not in (position["notes"] or "")]
    assert unexplained == []
    assert sum(1 for position in positions.values() if position["quote"]) >= 250


MONTHS = "|".join(calendar.month_name[1:])
FULL_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({MONTHS}) (\d{{4}})\b")


def test_a_quote_that_names_a_date_names_the_acts_date_or_its_entry_into_force():
    """Guards against a quote copied onto the wrong record: an English quote giving full dates
    ("23 July 1998", "31st July 1998") must give the act's own date or its effective date."""
    checked = 0
    for key, action in DATA.tables["treaty_action"].items():
        named = {(int(d), list(calendar.month_name).index(m), int(y)) for d, m, y in FULL_DATE.findall(action["quote"] or "")}
        if not named or action["date"] is None:
            continue
        own = {(day.day, day.month, day.year) for day in (action["date"], action["effective"]) if day}
        assert named & own, (key, named)
        checked += 1
    assert checked >= 60  # 2026-12-03: 285 quoted acts with a date give one in full (seed_data/README.md, "Quotes")


def same_page(url: str) -> str:
    """A URL as a page: scheme, host case, repeated or trailing slashes and the fragment aside."""
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{re.sub('/+', '/', parts.path).rstrip('/')}?{parts.query}"


def test_no_two_sources_share_a_url():
    urls = Counter(same_page(source["url"]) for source in DATA.tables["source"].values())
    assert [url for url, n in urls.items() if n > 1] == []


CN_REF = re.compile(r"^C\.N\.\d+\.\d{4}\.TREATIES-XXVI\.5$")
CN_URL = re.compile(r"^https://treaties\.un\.org/doc/Publication/CN/")


def cites_a_depositary_notification(action):
    return any(DATA.tables["source"][s]["publisher"] == "United Nations"
               and CN_URL.match(DATA.tables["source"][s]["url"]) for s in action["sources"])


def test_every_depositary_ref_is_a_cn_number_whose_notification_is_cited():
    for key, action in DATA.tables["treaty_action"].items():
        if action["depositary_ref"] is not None:
            assert CN_REF.match(action["depositary_ref"]), key
            assert cites_a_depositary_notification(action), key


WITHDRAWALS_2025_26 = sorted(key for key, action in DATA.tables["treaty_action"].items()
                             if action["kind"] in ("withdrawal", "suspension_declaration")
                             and action["date"] and action["date"].year in (2025, 2026))


def test_the_2025_26_withdrawals_are_the_six_known_notifications():
    assert [key.split("-")[1] for key in WITHDRAWALS_2025_26] == ["ee", "fi", "lt", "lv", "pl", "ua"]


@pytest.mark.xfail(strict=True, reason="No UN depositary notification (C.N. number) for any 2025-26 withdrawal "
                   "or for Ukraine's suspension was found in the stored material; seed_data/README.md lists "
                   "what was searched. Remove this mark once they are recorded.")
@pytest.mark.parametrize("key", WITHDRAWALS_2025_26)
def test_every_2025_26_withdrawal_cites_its_depositary_notification(key):
    action = DATA.tables["treaty_action"][key]
    assert action["depositary_ref"] and CN_REF.match(action["depositary_ref"])
    assert cites_a_depositary_notification(action)


def months_later(day, months):
    """The same day `months` later, or the last day of that month when it is shorter (an independent
    reading of the articles' "six months", not api/rules/status.py's)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_every_effective_date_follows_articles_17_and_20():
    treaty_in_force = DATA.tables["treaty"]["apmbc"]["entry_into_force"]
    assert treaty_in_force == date(1999, 3, 1)  # Article 17(1): six months after the 40th instrument (16 Sep 1998)
    checked = Counter()
    for key, action in DATA.tables["treaty_action"].items():
        if action["date"] is None or action["kind"] in ("signature", "succession", "suspension_declaration"):
            continue
        if action["kind"] == "withdrawal":  # Article 20(2): six months after the depositary receives it
            expected = months_later(action["date"], 6)
        else:  # Article 17(2): the first day of the sixth month after the month of deposit, not before 17(1)
            expected = max(treaty_in_force, months_later(action["date"].replace(day=1), 6))
        assert action["effective"] == expected, key
        checked[action["kind"]] += 1
    assert checked["withdrawal"] and checked["ratification"] and checked["accession"], checked


def test_unknown_dates_are_explained():
    for key, action in DATA.tables["treaty_action"].items():
        if action["date"] is None:
            assert action["notes"], key


def outside_the_treaty(actions, day) -> bool:
    """Neither bound nor consented on `day`, read from the recorded dates alone (not with the
    rules under test): no dated consent by then, or a withdrawal that took effect after the last one."""
    consents = [a["date"] for a in actions if a["kind"] in CONSENTS and a["date"] and a["date"] <= day]
    left = [a["date"] for a in actions if a["kind"] == "withdrawal" and a["effective"] and a["effective"] <= day]
    return not consents or any(deposit > max(consents) for deposit in left)


def test_every_state_outside_the_treaty_has_a_stated_position_or_says_none_was_found():
    actions = {}
    for action in DATA.tables["treaty_action"].values():
        actions.setdefault(action["state_iso2"], []).append(action)
    with_policy = {p["state_iso2"] for p in DATA.tables["policy_position"].values()}
    day = date(2026, 11, 28)
    # Lebanon's accession is recorded without a date (seed_data: no deposit date found), so it
    # counts as outside here, yet the API names its accession instead of a position.
    outside = {iso2 for iso2 in DATA.tables["state"] if outside_the_treaty(actions.get(iso2, []), day)} - {"LB"}
    # The states that left in 2025-26 (seed_data/treaty_actions/apmbc.yaml) and some that never joined.
    assert {"FI", "EE", "LV", "LT", "PL", "US", "RU", "CN", "IN"} <= outside
    assert not outside & {"CA", "UA", "CH"}  # states parties on that date (SPOT_CHECKS below)
    assert outside <= with_policy, sorted(outside - with_policy)


SPOT_CHECKS = [  # (code, as_of, status, since): from the treaty-action sources cited in seed_data
    ("CA", "2026-11-28", "state_party", "1999-03-01"), ("IE", "1999-03-01", "state_party", "1999-03-01"),
    ("BF", "1999-02-28", "consented_not_in_force", "1998-09-16"), ("AF", "2010-01-01", "state_party", "2003-03-01"),
    ("BY", "2026-11-28", "state_party", "2004-03-01"), ("OM", "2015-02-01", "state_party", "2015-02-01"),
    ("PS", "2026-11-28", "state_party", "2018-06-01"), ("LK", "2018-05-31", "consented_not_in_force", "2017-12-13"),
    ("SS", "2026-11-28", "state_party", "2011-07-09"), ("UA", "2026-11-28", "state_party", "2006-06-01"),
    ("PL", "2000-01-01", "signatory", "1997-12-04"), ("PL", "2026-11-28", "withdrawn", "2026-02-20"),
    ("MH", "2020-01-01", "signatory", "1997-12-04"), ("MH", "2025-05-01", "consented_not_in_force", "2025-03-12"),
    ("MH", "2025-09-01", "state_party", "2025-09-01"), ("TO", "2025-07-01", "consented_not_in_force", "2025-06-25"),
    ("TO", "2025-12-01", "state_party", "2025-12-01"), ("FI", "2025-09-01", "withdrawal_pending", "2025-07-10"),
    ("FI", "2026-11-28", "withdrawn", "2026-01-10"), ("EE", "2025-12-27", "withdrawn", "2025-12-27"),
    ("LV", "2025-12-26", "withdrawal_pending", "2025-06-27"), ("LT", "2026-11-28", "withdrawn", "2025-12-27"),
    ("US", "2026-11-28", "not_signatory", None), ("RU", "2026-11-28", "not_signatory", None),
    ("CN", "2026-11-28", "not_signatory", None), ("IN", "2026-11-28", "not_signatory", None),
    ("LB", "2026-11-28", "not_signatory", None),
    # States that did not exist yet: first days as states from the Gleditsch-Ward list (seed_data/states.yaml),
    # matching independence on 9 July 2011 (ISU, South Sudan) and 3 June 2006 (Landmine Monitor, Montenegro).
    ("SS", "2005-12-31", "not_a_state", None), ("ME", "2005-12-31", "not_a_state", None),
    ("SS", "2011-07-08", "not_a_state", None), ("ME", "2006-07-01", "state_party", "2006-06-03"),
]


@pytest.mark.parametrize("code, as_of, expected, since", SPOT_CHECKS)
def test_spot_checks_through_the_api(client, code, as_of, expected, since):
    body = client.get(f"/api/v1/countries/{code}/status?as_of={as_of}").get_json()
    assert (body["status"], body["since"]) == (expected, since)
    assert body["sources"]


def test_spot_checks_cover_every_status_that_occurs_in_the_data():
    occurring = set(status.STATUSES) - {status.WITHDRAWAL_SUSPENDED}  # no state's withdrawal is held today
    assert {check[2] for check in SPOT_CHECKS} == occurring


OBLIGATION_SPOT_CHECKS = [  # (code, key, as_of, status, completed): from the obligation sources cited in seed_data
    ("CH", "stockpile_destruction", "2026-11-28", "completed", "1999-03-15"),  # a later report re-opens nothing
    ("UA", "stockpile_destruction", "2026-11-28", "deadline_missed", None),
    ("GR", "stockpile_destruction", "2026-11-28", "deadline_missed", None),
    ("MZ", "stockpile_destruction", "2026-11-28", "completed", "2003-02-28"),
    ("MZ", "mine_clearance", "2015-12-01", "completed", "2015-12-01"),
    ("AF", "mine_clearance", "2024-01-01", "in_progress", None),  # extended to 2025-03-01 in 2022
    ("CH", "mine_clearance", "1999-08-03", "unknown", None),  # declared "no mined areas" on 4 August 1999
    ("CH", "mine_clearance", "2026-11-28", "no_obligation", None),
    ("AF", "stockpile_destruction", "2007-06-01", "deadline_missed", None),  # then completed in October 2007
    ("AF", "stockpile_destruction", "2026-11-28", "completed", "2007-10-01"),
]


@pytest.mark.parametrize("code, key, as_of, expected, completed", OBLIGATION_SPOT_CHECKS)
def test_obligation_spot_checks_through_the_api(client, code, key, as_of, expected, completed):
    body = client.get(f"/api/v1/countries/{code}/obligations?as_of={as_of}").get_json()
    obligation = body["obligations"][key]
    assert (obligation["status"], obligation["completed"]) == (expected, completed)
    assert all(event["sources"] and event["confidence"] for event in obligation["events"])


def test_a_withdrawn_states_obligations_are_given_as_of_the_last_day_they_bound_it(client):
    body = client.get("/api/v1/countries/FI/obligations?as_of=2026-11-28").get_json()["obligations"]
    assert body["withdrawal_effective"] == "2026-01-10"
    before = client.get("/api/v1/countries/FI/obligations?as_of=2026-01-09").get_json()["obligations"]
    assert {**body, "withdrawal_effective": None} == before
    assert body["stockpile_destruction"]["completed"] == "2015-08-15"
    bound = client.get("/api/v1/countries/FI/obligations?as_of=2025-12-31").get_json()["obligations"]
    assert bound["withdrawal_effective"] is None
