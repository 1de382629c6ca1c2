"""The treaty rules (Articles 17 and 20), at every boundary: the day before, of and after."""
from datetime import date, timedelta

import pytest

from api.rules import status as s

RULES = s.TreatyRules(entry_into_force=date(1999, 3, 1))
DAY = timedelta(days=1)


def around(timeline, day):
    return [s.status_on(timeline, d).status for d in (day - DAY, day, day + DAY)]


@pytest.mark.parametrize("deposit, in_force", [
    (date(1997, 12, 3), date(1999, 3, 1)),    # Canada: before the 40th instrument
    (date(1998, 9, 16), date(1999, 3, 1)),    # Burkina Faso, the 40th
    (date(1998, 9, 30), date(1999, 3, 1)),    # after the 40th, same month: still 1999-03-01
    (date(1998, 10, 8), date(1999, 4, 1)),    # Guinea
    (date(1998, 12, 22), date(1999, 6, 1)),   # Eswatini, across a year end
    (date(2012, 1, 9), date(2012, 7, 1)),     # Finland
    (date(2025, 3, 12), date(2025, 9, 1)),    # Marshall Islands (DOMAIN.md's example)
    (date(2025, 6, 25), date(2025, 12, 1)),   # Tonga
    (date(2025, 7, 31), date(2026, 1, 1)),    # last day of a month
])
def test_entry_into_force_follows_article_17(deposit, in_force):
    assert s.entry_into_force(deposit, RULES) == in_force


@pytest.mark.parametrize("deposit, effective", [
    (date(2025, 6, 27), date(2025, 12, 27)),  # Estonia, Latvia, Lithuania
    (date(2025, 7, 10), date(2026, 1, 10)),   # Finland
    (date(2025, 8, 20), date(2026, 2, 20)),   # Poland
    (date(2025, 8, 31), date(2026, 2, 28)),   # no 31 February: the month's last day
    (date(2027, 8, 31), date(2028, 2, 29)),   # leap year
])
def test_withdrawal_takes_effect_six_months_after_deposit(deposit, effective):
    assert s.withdrawal_effective(deposit, RULES) == effective


def test_no_actions_means_not_signatory_on_any_date():
    timeline = s.transitions([], RULES)
    assert s.status_on(timeline, date(2020, 1, 1)) == s.Transition(s.NOT_SIGNATORY, None, None)


def test_signature_then_ratification_boundaries():
    acts = [s.Act("sig", "signature", date(1997, 12, 4)), s.Act("rat", "ratification", date(2025, 3, 12))]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(1997, 12, 4)) == [s.NOT_SIGNATORY, s.SIGNATORY, s.SIGNATORY]
    assert around(timeline, date(2025, 3, 12)) == [s.SIGNATORY, s.CONSENTED_NOT_IN_FORCE, s.CONSENTED_NOT_IN_FORCE]
    assert around(timeline, date(2025, 9, 1)) == [s.CONSENTED_NOT_IN_FORCE, s.STATE_PARTY, s.STATE_PARTY]
    assert s.status_on(timeline, date(2025, 9, 1)).act_id == "rat"


def test_early_ratifier_is_consented_until_the_treaty_enters_into_force():
    acts = [s.Act("sig", "signature", date(1997, 12, 3)), s.Act("rat", "ratification", date(1997, 12, 3))]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(1997, 12, 3)) == [s.NOT_SIGNATORY, s.CONSENTED_NOT_IN_FORCE, s.CONSENTED_NOT_IN_FORCE]
    assert around(timeline, date(1999, 3, 1)) == [s.CONSENTED_NOT_IN_FORCE, s.STATE_PARTY, s.STATE_PARTY]


def test_withdrawal_boundaries():
    acts = [s.Act("acc", "accession", date(2012, 1, 9)), s.Act("wd", "withdrawal", date(2025, 7, 10))]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(2012, 7, 1)) == [s.CONSENTED_NOT_IN_FORCE, s.STATE_PARTY, s.STATE_PARTY]
    assert around(timeline, date(2025, 7, 10)) == [s.STATE_PARTY, s.WITHDRAWAL_PENDING, s.WITHDRAWAL_PENDING]
    assert around(timeline, date(2026, 1, 10)) == [s.WITHDRAWAL_PENDING, s.WITHDRAWN, s.WITHDRAWN]
    assert s.status_on(timeline, date(2026, 1, 10)) == s.Transition(s.WITHDRAWN, date(2026, 1, 10), "wd")


def test_article_20_3_holds_a_withdrawal_while_the_armed_conflict_lasts():
    acts = [s.Act("rat", "ratification", date(2005, 12, 27)),
            s.Act("wd", "withdrawal", date(2030, 1, 15), armed_conflict_hold=True)]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(2030, 7, 15)) == [s.WITHDRAWAL_PENDING, s.WITHDRAWAL_SUSPENDED, s.WITHDRAWAL_SUSPENDED]
    assert s.status_on(timeline, date(2040, 1, 1)).status == s.WITHDRAWAL_SUSPENDED


def test_held_withdrawal_takes_effect_when_the_conflict_ends():
    acts = [s.Act("rat", "ratification", date(2005, 12, 27)),
            s.Act("wd", "withdrawal", date(2030, 1, 15), armed_conflict_hold=True, conflict_ended=date(2031, 5, 9))]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(2031, 5, 9)) == [s.WITHDRAWAL_SUSPENDED, s.WITHDRAWN, s.WITHDRAWN]


def test_conflict_ending_before_six_months_lets_the_withdrawal_take_effect_on_time():
    acts = [s.Act("rat", "ratification", date(2005, 12, 27)),
            s.Act("wd", "withdrawal", date(2030, 1, 15), armed_conflict_hold=True, conflict_ended=date(2030, 3, 1))]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(2030, 7, 15)) == [s.WITHDRAWAL_PENDING, s.WITHDRAWN, s.WITHDRAWN]


def test_succession_takes_effect_on_the_recorded_date_even_before_deposit():
    acts = [s.Act("suc", "succession", date(2011, 11, 11), effective=date(2011, 7, 9))]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(2011, 7, 9)) == [s.NOT_SIGNATORY, s.STATE_PARTY, s.STATE_PARTY]


def test_rejoining_after_withdrawal():
    acts = [s.Act("acc", "accession", date(2004, 5, 12)), s.Act("wd", "withdrawal", date(2025, 6, 27)),
            s.Act("acc2", "accession", date(2030, 2, 3))]
    timeline = s.transitions(acts, RULES)
    assert around(timeline, date(2030, 2, 3)) == [s.WITHDRAWN, s.CONSENTED_NOT_IN_FORCE, s.CONSENTED_NOT_IN_FORCE]
    assert around(timeline, date(2030, 8, 1)) == [s.CONSENTED_NOT_IN_FORCE, s.STATE_PARTY, s.STATE_PARTY]


def test_a_declaration_or_an_undated_act_leaves_the_status_unchanged():
    acts = [s.Act("rat", "ratification", date(2005, 12, 27)),
            s.Act("dec", "suspension_declaration", date(2025, 7, 18)),
            s.Act("acc", "accession", None)]
    timeline = s.transitions(acts, RULES)
    assert [t.status for t in timeline] == [s.CONSENTED_NOT_IN_FORCE, s.STATE_PARTY]


def test_a_signature_after_consent_does_not_downgrade():
    acts = [s.Act("rat", "ratification", date(1998, 1, 1)), s.Act("sig", "signature", date(1998, 2, 1))]
    timeline = s.transitions(acts, RULES)
    assert s.status_on(timeline, date(1998, 6, 1)).status == s.CONSENTED_NOT_IN_FORCE


def test_expected_effective_per_kind():
    assert s.expected_effective(s.Act("a", "signature", date(1998, 1, 1)), RULES) is None
    assert s.expected_effective(s.Act("a", "accession", None), RULES) is None
    assert s.expected_effective(s.Act("a", "succession", date(2006, 10, 23), date(2006, 6, 3)), RULES) == date(2006, 6, 3)


# Articles 4 and 5: obligations and their deadlines.
ORIGINAL = date(2009, 3, 1)  # Mozambique's original Article 5 deadline (in force 1999-03-01)


def event(kind, day, deadline=None, ident=None):
    return s.ObligationFact(ident or f"{kind}-{day}", kind, day, deadline)


def statuses_around(events, day, original=ORIGINAL):
    return [s.obligation_on(original, events, d).status for d in (day - DAY, day, day + DAY)]


@pytest.mark.parametrize("in_force, article, deadline", [
    (date(1999, 3, 1), 4, date(2003, 3, 1)),     # the first states parties' stockpile deadline
    (date(1999, 3, 1), 5, date(2009, 3, 1)),     # and their clearance deadline
    (date(2012, 7, 1), 4, date(2016, 7, 1)),     # Finland
    (date(2012, 7, 1), 5, date(2022, 7, 1)),
    (date(2011, 7, 9), 5, date(2021, 7, 9)),     # a succession's own date carries through
])
def test_the_original_deadline_is_four_or_ten_years_after_entry_into_force(in_force, article, deadline):
    assert s.original_deadline(in_force, article) == deadline


def test_no_event_means_unknown_with_the_original_deadline():
    assert s.obligation_on(ORIGINAL, [], date(2020, 1, 1)) == s.ObligationState(s.UNKNOWN, ORIGINAL, None, None)


def test_undated_events_do_not_drive_the_status():
    undated = event(s.COMPLETED, None, ident="undated")
    assert s.obligation_on(ORIGINAL, [undated], date(2020, 1, 1)).status == s.UNKNOWN


def test_events_after_as_of_are_not_known_yet():
    events = [event(s.NO_OBLIGATION, date(1999, 8, 4))]
    assert statuses_around(events, date(1999, 8, 4)) == [s.UNKNOWN, s.NO_OBLIGATION, s.NO_OBLIGATION]


def test_a_reported_obligation_is_in_progress_until_the_deadline_then_passed_not_missed():
    events = [event(s.OBLIGATION_REPORTED, date(2001, 3, 30))]
    assert statuses_around(events, date(2001, 3, 30)) == [s.UNKNOWN, s.IN_PROGRESS, s.IN_PROGRESS]
    # without a source saying so, a passed deadline is a gap in the data, not a missed deadline
    assert statuses_around(events, ORIGINAL + DAY) == [s.IN_PROGRESS, s.DEADLINE_PASSED, s.DEADLINE_PASSED]
    assert s.obligation_on(ORIGINAL, events, ORIGINAL) == \
        s.ObligationState(s.IN_PROGRESS, ORIGINAL, None, events[0].id)


def test_an_extension_moves_the_deadline_from_its_decision_date():
    extended = date(2014, 3, 1)
    events = [event(s.OBLIGATION_REPORTED, date(2001, 3, 30)),
              event(s.EXTENSION_GRANTED, date(2008, 11, 28), deadline=extended)]
    assert s.obligation_on(ORIGINAL, events, date(2008, 11, 27)).deadline == ORIGINAL
    assert s.obligation_on(ORIGINAL, events, date(2008, 11, 28)).deadline == extended
    assert statuses_around(events, extended + DAY) == [s.IN_PROGRESS, s.DEADLINE_PASSED, s.DEADLINE_PASSED]


def test_an_extension_granted_after_the_deadline_reopens_a_missed_obligation():
    events = [event(s.OBLIGATION_REPORTED, date(2001, 3, 30)),
              event(s.EXTENSION_GRANTED, date(2009, 6, 1), deadline=date(2012, 3, 1))]
    assert statuses_around(events, date(2009, 6, 1)) == [s.DEADLINE_PASSED, s.IN_PROGRESS, s.IN_PROGRESS]


def test_an_extension_whose_new_deadline_is_unknown_leaves_the_status_unknown_until_the_next_event():
    events = [event(s.OBLIGATION_REPORTED, date(1999, 8, 1)),
              event(s.EXTENSION_GRANTED, date(2008, 11, 28), deadline=None),
              event(s.COMPLETED, date(2015, 9, 17))]
    assert s.obligation_on(ORIGINAL, events, date(2008, 11, 27)).status == s.IN_PROGRESS
    extended = s.obligation_on(ORIGINAL, events, date(2010, 1, 1))
    assert (extended.status, extended.deadline) == (s.UNKNOWN, None)
    assert s.obligation_on(ORIGINAL, events, date(2015, 9, 17)).status == s.COMPLETED


def test_a_request_changes_neither_deadline_nor_status_and_is_pending_until_decided():
    """Ethiopia's pattern: the deadline passes while a request awaits the Meeting's decision."""
    granted, asked = date(2020, 12, 31), date(2025, 12, 31)
    request = event(s.EXTENSION_REQUESTED, date(2020, 3, 31), deadline=asked)
    events = [event(s.OBLIGATION_REPORTED, date(2001, 3, 30)), request,
              event(s.EXTENSION_GRANTED, date(2021, 11, 19), deadline=asked)]
    assert s.obligation_on(ORIGINAL, events, date(2020, 3, 30)).pending_request is None
    on_request = s.obligation_on(ORIGINAL, events, date(2020, 3, 31))
    assert on_request == s.ObligationState(s.DEADLINE_PASSED, ORIGINAL, None, events[0].id, request)
    assert s.obligation_on(ORIGINAL, events[:2], granted + DAY).pending_request == request
    decided = s.obligation_on(ORIGINAL, events, date(2021, 11, 19))
    assert decided == s.ObligationState(s.IN_PROGRESS, asked, None, events[2].id, None)


def test_a_request_decided_the_same_day_is_not_pending_and_the_latest_request_is_the_one_pending():
    first = event(s.EXTENSION_REQUESTED, date(2008, 3, 31), deadline=date(2014, 3, 1), ident="first")
    granted = event(s.EXTENSION_GRANTED, date(2008, 3, 31), deadline=date(2014, 3, 1))
    second = event(s.EXTENSION_REQUESTED, date(2013, 3, 31), deadline=date(2018, 3, 1), ident="second")
    revised = event(s.EXTENSION_REQUESTED, date(2013, 8, 7), deadline=date(2019, 3, 1), ident="revised")
    events = [second, revised, granted, first]
    assert s.obligation_on(ORIGINAL, events, date(2008, 3, 31)).pending_request is None
    assert s.obligation_on(ORIGINAL, events, date(2013, 4, 1)).pending_request == second
    assert s.obligation_on(ORIGINAL, events, date(2013, 8, 7)).pending_request == revised


def test_a_completion_ends_a_pending_request_and_a_request_alone_decides_nothing():
    request = event(s.EXTENSION_REQUESTED, date(2008, 3, 31), deadline=date(2014, 3, 1))
    assert s.obligation_on(ORIGINAL, [request], date(2010, 1, 1)) == \
        s.ObligationState(s.UNKNOWN, ORIGINAL, None, None, request)
    completed = s.obligation_on(ORIGINAL, [request, event(s.COMPLETED, date(2009, 1, 1))], date(2010, 1, 1))
    assert (completed.status, completed.pending_request) == (s.COMPLETED, None)
    reported = s.obligation_on(ORIGINAL, [request, event(s.OBLIGATION_REPORTED, date(2009, 1, 1)),
                                          event(s.DEADLINE_MISSED, date(2009, 3, 2))], date(2010, 1, 1))
    assert (reported.status, reported.pending_request) == (s.DEADLINE_MISSED, request)


def test_the_latest_extension_decided_by_as_of_is_the_deadline():
    events = [event(s.EXTENSION_GRANTED, date(2008, 11, 28), deadline=date(2014, 3, 1)),
              event(s.EXTENSION_GRANTED, date(2013, 12, 6), deadline=date(2014, 12, 31))]
    assert s.obligation_on(ORIGINAL, events, date(2013, 12, 5)).deadline == date(2014, 3, 1)
    assert s.obligation_on(ORIGINAL, events, date(2013, 12, 6)).deadline == date(2014, 12, 31)


def test_completion_is_dated_and_decides_the_status():
    events = [event(s.OBLIGATION_REPORTED, date(2001, 3, 30)), event(s.COMPLETED, date(2015, 9, 17))]
    assert statuses_around(events, date(2015, 9, 17)) == [s.DEADLINE_PASSED, s.COMPLETED, s.COMPLETED]
    assert s.obligation_on(ORIGINAL, events, date(2020, 1, 1)).completed == date(2015, 9, 17)
    assert s.obligation_on(ORIGINAL, events, date(2015, 9, 16)).completed is None


def test_a_report_after_completion_reopens_nothing():
    """Switzerland destroyed its stockpile by 15 March 1999 and reported it in August 1999."""
    events = [event(s.COMPLETED, date(1999, 3, 15)), event(s.OBLIGATION_REPORTED, date(1999, 8, 4))]
    assert s.obligation_on(date(2003, 3, 1), events, date(2026, 11, 28)) == \
        s.ObligationState(s.COMPLETED, date(2003, 3, 1), date(1999, 3, 15), events[0].id)


def test_no_mined_areas_stated_after_a_completion_keeps_the_completion():
    """Moldova completed clearance in 2000 and later said it had no mined areas (Landmine Monitor)."""
    events = [event(s.COMPLETED, date(2000, 8, 1)), event(s.NO_OBLIGATION, date(2012, 12, 17))]
    assert s.obligation_on(date(2011, 3, 1), events, date(2020, 1, 1)) == \
        s.ObligationState(s.COMPLETED, date(2011, 3, 1), date(2000, 8, 1), events[0].id)


def test_new_mined_areas_after_completion_reopen_the_obligation_with_a_new_deadline():
    events = [event(s.OBLIGATION_REPORTED, date(2001, 3, 30)), event(s.COMPLETED, date(2009, 2, 1)),
              event(s.OBLIGATION_REPORTED, date(2012, 5, 1)),
              event(s.EXTENSION_GRANTED, date(2012, 12, 7), deadline=date(2016, 1, 1))]
    assert s.obligation_on(ORIGINAL, events, date(2012, 4, 30)) == \
        s.ObligationState(s.COMPLETED, ORIGINAL, date(2009, 2, 1), events[1].id)
    still = s.obligation_on(ORIGINAL, events, date(2012, 5, 1))  # a report alone re-opens nothing
    assert (still.status, still.completed) == (s.COMPLETED, date(2009, 2, 1))
    extended = s.obligation_on(ORIGINAL, events, date(2012, 12, 7))
    assert (extended.status, extended.deadline, extended.completed) == (s.IN_PROGRESS, date(2016, 1, 1), None)


def test_a_missed_deadline_after_a_completion_reopens_it_until_the_next_completion():
    """Afghanistan completed in 2006, missed its 1 March 2007 deadline on stocks found later,
    and completed again in October 2007."""
    events = [event(s.COMPLETED, date(2006, 1, 1)), event(s.DEADLINE_MISSED, date(2007, 3, 1)),
              event(s.COMPLETED, date(2007, 10, 1))]
    missed = s.obligation_on(date(2007, 3, 1), events, date(2007, 6, 1))
    assert (missed.status, missed.completed) == (s.DEADLINE_MISSED, None)
    done = s.obligation_on(date(2007, 3, 1), events, date(2007, 10, 1))
    assert (done.status, done.completed) == (s.COMPLETED, date(2007, 10, 1))


def test_a_source_saying_the_deadline_was_missed_decides_even_before_the_deadline():
    events = [event(s.OBLIGATION_REPORTED, date(2001, 3, 30)), event(s.DEADLINE_MISSED, date(2003, 3, 1))]
    assert s.obligation_on(date(2003, 3, 1), events, date(2003, 3, 1)).status == s.DEADLINE_MISSED


def test_same_day_events_read_report_then_miss_then_extension_then_completion():
    day = date(2009, 3, 1)
    missed_then_extended = [event(s.EXTENSION_GRANTED, day, deadline=date(2014, 3, 1)),
                            event(s.DEADLINE_MISSED, day)]
    assert s.obligation_on(ORIGINAL, missed_then_extended, day).status == s.IN_PROGRESS
    reported_and_completed = [event(s.COMPLETED, day), event(s.OBLIGATION_REPORTED, day)]
    state = s.obligation_on(ORIGINAL, reported_and_completed, day)
    assert (state.status, state.completed) == (s.COMPLETED, day)


def test_no_obligation_is_its_own_status_whatever_the_deadline():
    events = [event(s.NO_OBLIGATION, date(1999, 8, 4))]
    assert s.obligation_on(ORIGINAL, events, date(2030, 1, 1)).status == s.NO_OBLIGATION


# Whole timelines, not only the status on a day: what each act puts on the timeline, in order.
def test_a_same_day_signature_and_ratification_are_both_on_the_timeline_signature_first():
    # Canada signed and ratified on 3 December 1997 (seed_data/treaty_actions/apmbc.yaml, apmbc-ca-*);
    # Article 17(1): in force 1 March 1999 for the states that had ratified by then.
    acts = [s.Act("sig", "signature", date(1997, 12, 3)), s.Act("rat", "ratification", date(1997, 12, 3))]
    assert s.transitions(acts, RULES) == [
        s.Transition(s.SIGNATORY, date(1997, 12, 3), "sig"),
        s.Transition(s.CONSENTED_NOT_IN_FORCE, date(1997, 12, 3), "rat"),
        s.Transition(s.STATE_PARTY, date(1999, 3, 1), "rat")]


def test_a_succession_effective_before_deposit_is_never_consented_not_in_force():
    # South Sudan: notification of succession deposited 11 November 2011, effective 9 July 2011, the date
    # of State succession (ISU and UN Office of Legal Affairs, in seed_data apmbc-ss-succession).
    acts = [s.Act("suc", "succession", date(2011, 11, 11), effective=date(2011, 7, 9))]
    assert s.transitions(acts, RULES) == [s.Transition(s.STATE_PARTY, date(2011, 7, 9), "suc")]


def test_a_succession_effective_on_its_deposit_day_is_a_state_party_that_day_only():
    acts = [s.Act("suc", "succession", date(2011, 11, 11), effective=date(2011, 11, 11))]
    assert s.transitions(acts, RULES) == [s.Transition(s.STATE_PARTY, date(2011, 11, 11), "suc")]


def test_a_succession_without_its_effective_date_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^suc: a succession needs the date it took effect$"):
        s.transitions([s.Act("suc", "succession", date(2011, 11, 11))], RULES)


def test_a_signature_after_consent_changes_nothing_and_later_acts_still_count():
    acts = [s.Act("rat", "ratification", date(1998, 1, 1)), s.Act("sig", "signature", date(1998, 2, 1)),
            s.Act("wd", "withdrawal", date(2025, 7, 10))]
    assert [t.status for t in s.transitions(acts, RULES)] == [
        s.CONSENTED_NOT_IN_FORCE, s.STATE_PARTY, s.WITHDRAWAL_PENDING, s.WITHDRAWN]


def test_expected_effective_of_a_withdrawal_is_six_months_after_deposit():
    # Finland deposited its withdrawal on 10 July 2025, effective 10 January 2026 (Article 20(2); the
    # Finnish foreign ministry's statement in seed_data apmbc-fi-withdrawal).
    assert s.expected_effective(s.Act("wd", "withdrawal", date(2025, 7, 10)), RULES) == date(2026, 1, 10)
    assert s.expected_effective(s.Act("acc", "accession", date(2012, 1, 9)), RULES) == date(2012, 7, 1)


class Record:
    """A row-like object, as the snapshot's records are."""
    def __init__(self, **fields):
        self.__dict__.update(fields)


ACTION = {"id": "wd", "kind": "withdrawal", "date": date(2030, 1, 15), "effective": date(2030, 7, 15),
          "armed_conflict_hold": True, "conflict_ended": date(2031, 5, 9)}
TREATY = {"entry_into_force": date(1999, 3, 1), "consent_delay_months": 6, "withdrawal_delay_months": 6}


@pytest.mark.parametrize("make", [dict, lambda fields: Record(**fields)], ids=["dict", "object"])
def test_records_become_acts_and_rules_field_by_field(make):
    assert s.to_act(make(ACTION)) == s.Act("wd", "withdrawal", date(2030, 1, 15), date(2030, 7, 15), True,
                                            date(2031, 5, 9))
    assert s.rules_of(make({**TREATY, "consent_delay_months": 7, "withdrawal_delay_months": 8})) == \
        s.TreatyRules(date(1999, 3, 1), 7, 8)


# When a state existed (seed_data/README.md "When states existed"). South Sudan became independent
# on 9 July 2011 (UN depositary: succession to the Convention effective that day, ISU's page).
SOUTH_SUDAN = s.Existence(date(2011, 7, 9), None)
CEASED = s.Existence(date(1992, 4, 27), date(2006, 6, 2))  # a state with both ends (dates for the test)


def test_existence_is_read_from_a_seed_record_or_a_row_and_absent_dates_mean_always():
    assert s.existence_of({"exists_from": date(2011, 7, 9)}) == SOUTH_SUDAN
    assert s.existence_of({"exists_from": date(1992, 4, 27), "exists_until": date(2006, 6, 2)}) == CEASED

    class Row:
        exists_from, exists_until = date(1992, 4, 27), date(2006, 6, 2)
    assert s.existence_of(Row()) == CEASED
    assert s.existence_of(object()) == s.ALWAYS == s.Existence(None, None)
    assert s.existence_of({}) == s.ALWAYS


def test_before_a_state_existed_and_after_it_ceased_it_is_not_a_state():
    acts = [s.Act("succ", "succession", date(2011, 11, 11), effective=date(2011, 7, 9))]
    timeline = s.transitions(acts, RULES)
    assert [s.status_on(timeline, d, SOUTH_SUDAN).status for d in (date(2011, 7, 8), date(2011, 7, 9))] == \
        [s.NOT_A_STATE, s.STATE_PARTY]
    assert s.status_on(timeline, date(2011, 7, 8), SOUTH_SUDAN) == s.Transition(s.NOT_A_STATE, None, None)
    party = s.transitions([s.Act("rat", "ratification", date(1998, 9, 16))], RULES)
    assert s.status_on(party, date(2006, 6, 2), CEASED).status == s.STATE_PARTY  # its last day
    assert s.status_on(party, date(2006, 6, 3), CEASED) == s.Transition(s.NOT_A_STATE, date(2006, 6, 3), None)
    assert s.status_on(party, date(1992, 4, 26), CEASED).status == s.NOT_A_STATE
    assert s.status_on(party, date(1992, 4, 27), CEASED).status == s.NOT_SIGNATORY  # existed, not yet signed


def test_change_days_are_every_day_an_answer_can_change_sorted_once():
    # Guinea: deposit 8 October 1998, in force 1 April 1999 (Article 17, the test above)
    acts = [s.Act("sig", "signature", date(1997, 12, 4)), s.Act("rat", "ratification", date(1998, 10, 8)),
            s.Act("sig2", "signature", date(1997, 12, 4))]
    assert s.change_days(acts, RULES) == [date(1997, 12, 4), date(1998, 10, 8), date(1999, 4, 1)]
    withdrawal = s.Act("wd", "withdrawal", date(2025, 7, 10), armed_conflict_hold=True,
                       conflict_ended=date(2027, 5, 5))
    days = s.change_days([*acts, withdrawal], RULES)
    # the deposit, its Article 20 date (10 January 2026, held back) and the end of the conflict
    assert days[3:] == [date(2025, 7, 10), date(2026, 1, 10), date(2027, 5, 5)]
    succession = s.Act("succ", "succession", date(2011, 11, 11), effective=date(2011, 7, 9))
    assert s.change_days([succession], RULES, SOUTH_SUDAN) == [date(2011, 7, 9), date(2011, 11, 11)]
    assert s.change_days([], RULES, CEASED) == [date(1992, 4, 27), date(2006, 6, 3)]
    assert s.change_days([], RULES) == []
