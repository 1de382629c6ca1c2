"""Answers for any date from per-state intervals (api/read/intervals.py, served by
api/middleware/any_date.py) must be byte for byte the view's answers: same body, same validators,
same headers, on every kind of day (deposits, entries into force, withdrawals taking effect,
disputes, around acts of unknown date), for every state."""
from __future__ import annotations

import gc
import json
from datetime import date, timedelta

import pytest

from api.middleware import any_date
from api.read import intervals, queries
from api.read.representations import status_body
from api.read.snapshot import latest_snapshot, warm_before_fork
from api.routes import listing

PER_REQUEST = {"X-Cache", "X-Request-ID", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Date"}
# Grid days: before the treaty was adopted (18 September 1997), through today, and the extremes
# of the date format.
GRID = [date(1, 1, 1), date(9999, 12, 31), *(date(year, 1, 1) for year in range(1995, 2032, 3))]


@pytest.fixture
def pair(app_factory):
    """(the fast path, answering new days from intervals; Flask's view and response cache alone)."""
    fast = app_factory(VERSION_CHECK_SECONDS=10**6).test_client()
    fast.get("/api/v1/treaties"), fast.get("/api/v1/treaties")  # learn the app's headers for JSON
    return fast, app_factory(FAST_PATH=False).test_client()


def same(response) -> dict:
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


def around(days) -> set[date]:
    return {d for day in days if day is not None for d in (day - timedelta(days=1), day)
            if date(1, 1, 2) <= day <= date(9999, 12, 30)}


def act_days(app) -> dict[str, set[date]]:
    """Each state's acts' own days (deposit, effective, end of a conflict) and the day before each,
    read from the snapshot's records, not from the code under test."""
    with app.app_context():
        snapshot = latest_snapshot()
        days: dict[str, set[date]] = {iso2: set() for iso2 in snapshot.states}
        for action in snapshot.treaty_actions:
            days[action.state_iso2] |= around([action.date, action.effective, action.conflict_ended])
        return days


def compare(fast, slow, url: str) -> dict:
    """The fast path's answer for `url`, asked for the first time, equals the view's; returns it."""
    mine, theirs = fast.get(url), slow.get(url)
    assert theirs.status_code == 200, theirs.data
    assert mine.headers["X-Cache"] == "hit", f"{url} was not answered from the intervals"
    assert mine.data == theirs.data, url
    assert same(mine) == same(theirs), url
    return theirs.get_json()


def test_every_state_on_every_kind_of_day_is_the_existing_computation(app):
    """In-process, every state: each act's day and the day before, the day each status began and
    the day before (a withdrawal taking effect, an entry into force), and a grid of days."""
    days_by_state = act_days(app)
    assert len(days_by_state) > 190 and sum(map(len, days_by_state.values())) > 800
    seen_statuses, asked = set(), 0
    with app.app_context():
        snapshot = latest_snapshot()
        treaty = snapshot.treaties["apmbc"]
        for iso2, days in days_by_state.items():
            state = snapshot.states[iso2]
            membership = queries.memberships(treaty, state, snapshot)[iso2]
            starts = around(t.start for t in membership.timeline)
            ceased = state.exists_until and state.exists_until + timedelta(days=1)  # first day not a state
            existed = around(day for day in (state.exists_from, ceased) if day)
            for day in sorted(days | starts | existed | set(GRID)):
                expected = status_body(membership, treaty, day)
                assert intervals.status_answer(snapshot, treaty, state, day) == json.dumps(
                    {**expected, "dataset_version": snapshot.version}, ensure_ascii=False,
                    separators=(",", ":")).encode(), (iso2, day)
                seen_statuses.add(expected["status"])
                asked += 1
    # seed_data/treaty_actions/apmbc.yaml has signatories, parties, withdrawals pending and done
    # and states that came to exist after 1997 (South Sudan on 9 July 2011, seed_data/states.yaml)
    assert {"not_signatory", "signatory", "state_party", "withdrawal_pending", "withdrawn",
            "not_a_state"} <= seen_statuses
    assert asked > 2000


def test_status_on_any_day_is_the_views_answer_over_http(pair, app):
    """Through the fast path and through Flask: the same bytes and headers, for the states that
    withdrew and one state in ten, on each of their act days and the day before."""
    fast, slow = pair
    days_by_state = act_days(app)
    with app.app_context():
        withdrew = {a.state_iso2 for a in latest_snapshot().treaty_actions if a.kind == "withdrawal"}
    assert len(withdrew) >= 5  # seed_data/treaty_actions/apmbc.yaml: EE, FI, LT, LV, PL among them
    chosen = withdrew | set(sorted(days_by_state)[::10])
    for iso2 in sorted(chosen):
        for day in sorted(days_by_state[iso2] | set(GRID[:4])):
            compare(fast, slow, f"/api/v1/countries/{iso2}/status?as_of={day}")


def test_status_of_states_with_disputes_and_undated_acts(pair, app):
    """A dispute appears on its act's day; an act of unknown date is noted on every day."""
    fast, slow = pair
    with app.app_context():
        actions = latest_snapshot().treaty_actions
        disputed = {a.state_iso2: a.date for a in actions if a.dispute and a.date}
        undated = {a.state_iso2 for a in actions if a.date is None}
    assert disputed and undated  # seed_data/treaty_actions/apmbc.yaml records both
    for iso2, day in disputed.items():
        before = compare(fast, slow, f"/api/v1/countries/{iso2.lower()}/status?as_of={day - timedelta(days=1)}")
        on = compare(fast, slow, f"/api/v1/countries/{iso2}/status?as_of={day}")
        assert len(on["disputes"]) == len(before["disputes"]) + 1
    for iso2 in undated:
        for day in GRID:
            assert compare(fast, slow, f"/api/v1/countries/{iso2}/status?as_of={day}")["undated_actions"]


def test_the_list_on_any_day_is_the_views_answer(pair, app):
    fast, slow = pair
    days = sorted(set(GRID) | set().union(*act_days(app).values()))
    assert len(days) > 300
    for number, day in enumerate(days[::7] + days[-40:]):  # and every day of the withdrawals of 2025
        limit = 197 + number % 304  # every state fits one page; up to listing.MAX_LIMIT
        query = f"as_of={day}&limit={limit}" if number % 2 else f"limit={limit}&as_of={day}"
        body = compare(fast, slow, f"/api/v1/countries?{query}")
        assert body["count"] == len(body["items"]) == 197  # seed_data/states.yaml


def test_a_day_answered_from_intervals_revalidates_and_gzips(pair):
    fast, slow = pair
    url = "/api/v1/countries/EE/status?as_of=2025-12-26"
    first = compare(fast, slow, url)
    # seed_data/treaty_actions/apmbc.yaml: apmbc-ee-withdrawal, deposited 2025-06-27, effective 2025-12-27
    assert first["status"] == "withdrawal_pending"
    etag = fast.get(url).headers["ETag"]
    assert fast.get(url, headers={"If-None-Match": etag}).status_code == 304
    packed = fast.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.data == slow.get(url, headers={"Accept-Encoding": "gzip"}).data


@pytest.mark.parametrize("url", [
    "/api/v1/countries/FI/status?as_of=2020-02-30",           # no such day: the view's 400
    "/api/v1/countries/FI/status?as_of=20200201",
    "/api/v1/countries/FI/status?as_of=2020-01-01&as_of=2021-01-01",
    "/api/v1/countries/FI/status?as_of=2020-01-01&treaty=apmbc",
    "/api/v1/countries/FI/status?as_of=2020-01-01&utm_source=x",
    "/api/v1/countries/XX/status?as_of=2020-01-01",           # no such state: the view's 404
    "/api/v1/countries?as_of=2020-01-01&limit=100",           # more than one page
    "/api/v1/countries?as_of=2020-01-01&limit=501",
    "/api/v1/countries?as_of=2020-01-01&limit=0300",
    "/api/v1/countries?as_of=2020-01-01&limit=300&region=Europe",
])
def test_other_forms_go_to_flask(pair, url):
    fast, slow = pair
    mine, theirs = fast.get(url), slow.get(url)
    assert mine.headers.get("X-Cache") != "hit"
    assert (mine.status_code, mine.data) == (theirs.status_code, theirs.data)


def test_the_fast_paths_page_limit_is_the_lists():
    assert any_date.MAX_LIMIT == listing.MAX_LIMIT


def test_list_links_name_the_page_as_asked(pair):
    fast, _ = pair
    body = json.loads(fast.get("/api/v1/countries?as_of=2003-04-05&limit=250").data)
    assert body["links"] == {"first": "/api/v1/countries?as_of=2003-04-05&limit=250", "prev": None, "next": None}


def test_the_intervals_are_built_before_fork(app_factory, monkeypatch):
    warmed = app_factory(VERSION_CHECK_SECONDS=10**6)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # not in the test process
    with warmed.app_context():
        assert not latest_snapshot().memo  # nothing derived yet
    warm_before_fork(warmed)
    with warmed.app_context():
        snapshot = latest_snapshot()
        assert ("list_pieces", "apmbc") in snapshot.memo
        assert all(("status_intervals", "apmbc", iso2) in snapshot.memo for iso2 in snapshot.states)
