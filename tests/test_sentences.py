"""The plain-language status sentence: dates as precise as the data, names as prose names them,
one sentence per status, and every one of the 197 states' names in each."""
from datetime import date
from pathlib import Path

import pytest
import yaml

from api.rules import status
from api.rules.names import prose_name, short_name
from api.rules.sentences import long_date, on_date, status_sentence, transition_precision, undated_note

STATES = yaml.safe_load((Path(__file__).parent.parent / "seed_data" / "states.yaml").read_text())
RULES = status.TreatyRules(entry_into_force=date(1999, 3, 1))
TREATY = "Mine Ban Treaty"


@pytest.mark.parametrize("day, precision, text, on", [
    (date(2007, 5, 1), "day", "1 May 2007", "on 1 May 2007"),
    (date(2007, 5, 1), "month", "May 2007", "in May 2007"),
    (date(2011, 1, 1), "year", "2011", "in 2011"),
    (date(1999, 3, 1), None, "1 March 1999", "on 1 March 1999"),
])
def test_a_date_is_exactly_as_precise_as_the_data(day, precision, text, on):
    if precision is None:  # no precision given: to the day
        assert long_date(day) == text and on_date(day) == on
    else:
        assert long_date(day, precision) == text and on_date(day, precision) == on


@pytest.mark.parametrize("name, prose", [
    ("United States", "the United States"),
    ("Congo, The Democratic Republic of the", "the Democratic Republic of the Congo"),
    ("Palestine, State of", "the State of Palestine"),
    ("Micronesia, Federated States of", "the Federated States of Micronesia"),
    ("Netherlands", "the Netherlands"), ("Gambia", "the Gambia"), ("Congo", "the Republic of the Congo"),
    ("Holy See (Vatican City State)", "the Holy See"), ("Russian Federation", "the Russian Federation"),
    ("Finland", "Finland"), ("Czechia", "Czechia"), ("Türkiye", "Türkiye"), ("South Korea", "South Korea"),
    ("Saint Kitts and Nevis", "Saint Kitts and Nevis"), ("Niger", "Niger"), ("Sudan", "Sudan"),
])
def test_prose_names_put_the_where_english_needs_it(name, prose):
    assert prose_name(name) == prose


def test_short_names_undo_the_iso_inversions():
    assert short_name("Congo, The Democratic Republic of the") == "Democratic Republic of the Congo"
    assert short_name("Palestine, State of") == "State of Palestine" and short_name("Finland") == "Finland"


def acts(*specs):
    return [status.Act(f"a{i}", kind, day, None, hold) for i, (kind, day, hold) in enumerate(specs)]


SIGNED = ("signature", date(1997, 12, 3), False)
RATIFIED = ("ratification", date(1998, 7, 15), False)
WITHDREW = ("withdrawal", date(2025, 7, 10), False)
WITHDREW_IN_WAR = ("withdrawal", date(2025, 7, 10), True)
# One case per status: the acts, the date asked about, and the sentence for "United States".
CASES = {
    # South Sudan's first day as a state, 9 July 2011 (Gleditsch-Ward list, seed_data/states.yaml), asked of 2005.
    status.NOT_A_STATE: ([], date(2005, 12, 31),
                         "The United States did not exist as a state then, so the Mine Ban Treaty could not apply to it."),
    status.NOT_SIGNATORY: ([], date(2020, 1, 1), "The United States has not signed or joined the Mine Ban Treaty."),
    status.SIGNATORY: ([SIGNED], date(1998, 1, 1),
                       "The United States signed the Mine Ban Treaty on 3 December 1997 but has not ratified it."),
    status.CONSENTED_NOT_IN_FORCE: ([SIGNED, ("ratification", date(2012, 1, 9), False)], date(2012, 3, 1),
                                    "The United States deposited its instrument of ratification to the Mine Ban "
                                    "Treaty on 9 January 2012; the treaty enters into force for the United States "
                                    "on 1 July 2012."),
    status.STATE_PARTY: ([SIGNED, RATIFIED], date(2020, 1, 1),
                         "The United States has been a state party to the Mine Ban Treaty since 1 March 1999 "
                         "(instrument of ratification deposited on 15 July 1998)."),
    status.WITHDRAWAL_PENDING: ([SIGNED, RATIFIED, WITHDREW], date(2025, 9, 1),
                                "The United States notified its withdrawal from the Mine Ban Treaty on 10 July 2025; "
                                "the withdrawal takes effect on 10 January 2026. Until then the United States is "
                                "still a state party, bound by the treaty, as it has been since 1 March 1999."),
    status.WITHDRAWAL_SUSPENDED: ([SIGNED, RATIFIED, WITHDREW_IN_WAR], date(2026, 3, 1),
                                  "The United States notified its withdrawal from the Mine Ban Treaty on 10 July 2025, "
                                  "but under Article 20(3) it does not take effect while the United States is engaged "
                                  "in an armed conflict, so the United States remains bound; it has been a state party "
                                  "since 1 March 1999."),
    status.WITHDRAWN: ([SIGNED, RATIFIED, WITHDREW], date(2026, 3, 1),
                       "The United States withdrew from the Mine Ban Treaty with effect from 10 January 2026; "
                       "it had been a state party since 1 March 1999."),
}


EXISTENCE = {status.NOT_A_STATE: status.Existence(date(2011, 7, 9))}


def sentence(name, specs, day, precisions=None, existence=status.ALWAYS):
    timeline = status.transitions(acts(*specs), RULES)
    current = status.status_on(timeline, day, existence)
    act = next((a for a in acts(*specs) if a.id == current.act_id), None)
    return current.status, status_sentence(name, TREATY, current, timeline, act and act.kind, act and act.date,
                                           precisions)


@pytest.mark.parametrize("expected_status", status.STATUSES)
def test_the_sentence_of_each_status(expected_status):
    specs, day, expected = CASES[expected_status]
    got_status, text = sentence("United States", specs, day, existence=EXISTENCE.get(expected_status, status.ALWAYS))
    assert got_status == expected_status and text == expected


def test_a_withdrawal_pending_under_an_armed_conflict_hold_says_so_and_that_the_state_is_bound():
    _, text = sentence("Finland", [SIGNED, RATIFIED, WITHDREW_IN_WAR], date(2025, 9, 1))
    assert text == ("Finland notified its withdrawal from the Mine Ban Treaty on 10 July 2025; the withdrawal would "
                    "take effect on 10 January 2026, but under Article 20(3) not while Finland is engaged in an "
                    "armed conflict. Finland is still a state party, bound by the treaty, as it has been since "
                    "1 March 1999.")


def test_a_state_that_ceased_is_not_a_state_from_the_day_after_its_last():
    # Yugoslavia's last day in the Gleditsch-Ward list is 4 June 2006 (andybega/states, gwstates).
    got, text = sentence("Yugoslavia", [SIGNED], date(2006, 6, 5), existence=status.Existence(None, date(2006, 6, 4)))
    assert (got, text) == (status.NOT_A_STATE, "Yugoslavia no longer existed as a state from 5 June 2006.")
    assert sentence("Yugoslavia", [SIGNED], date(2006, 6, 4), existence=status.Existence(None, date(2006, 6, 4)))[0] \
        == status.SIGNATORY


def test_acts_known_only_to_the_month_or_year_are_dated_so():
    precisions = {"a0": "year", "a1": "month"}
    _, signed = sentence("Finland", [SIGNED], date(1998, 1, 1), precisions)
    assert signed == "Finland signed the Mine Ban Treaty in 1997 but has not ratified it."
    _, party = sentence("Finland", [SIGNED, ("accession", date(2012, 1, 1), False)], date(2020, 1, 1), precisions)
    # Article 17 counts from the month of deposit, so entry into force is known to the day.
    assert party == ("Finland has been a state party to the Mine Ban Treaty since 1 July 2012 "
                     "(instrument of accession deposited in January 2012).")


@pytest.mark.parametrize("state", STATES, ids=[s["iso2"] for s in STATES])
def test_every_states_sentence_reads_as_prose_in_every_status(state):
    assert len(STATES) == 197
    for key, (specs, day, _) in CASES.items():
        _, text = sentence(state["name"], specs, day, existence=EXISTENCE.get(key, status.ALWAYS))
        assert text[0].isupper() and text.endswith("."), text
        for inversion in (", The", ", the", ", State of", ", Republic of", ", Federated", ", Islamic", ", United"):
            assert inversion not in text, text
        assert " the the " not in text and " The " not in text.split(".")[0][1:], text


@pytest.mark.parametrize("transition, precisions, expected", [
    (status.Transition(status.SIGNATORY, date(1997, 12, 3), "a0"), {"a0": "year"}, "year"),
    (status.Transition(status.SIGNATORY, date(1997, 12, 3), "a0"), {"a0": "month"}, "month"),
    (status.Transition(status.SIGNATORY, date(1997, 12, 3), "a0"), {}, "day"),
    (status.Transition(status.NOT_SIGNATORY, None, None), {"a0": "year"}, "day"),
    # Article 17: entry into force is the first day of a month counted from the month of deposit.
    (status.Transition(status.STATE_PARTY, date(2012, 7, 1), "a1"), {"a1": "month"}, "day"),
    (status.Transition(status.STATE_PARTY, date(2012, 7, 1), "a1"), {"a1": "year"}, "year"),
    # Article 20(2): six months after the deposit, so a deposit known to the month gives a month.
    (status.Transition(status.WITHDRAWN, date(2026, 1, 10), "a2"), {"a2": "month"}, "month"),
    (status.Transition(status.WITHDRAWAL_PENDING, date(2025, 7, 10), "a2"), {"a2": "month"}, "month"),
])
def test_a_transition_is_dated_as_precisely_as_the_act_that_caused_it(transition, precisions, expected):
    assert transition_precision(transition, precisions) == expected


def test_a_withdrawal_known_to_the_month_takes_effect_in_a_month_not_on_a_day():
    precisions = {"a2": "month"}
    _, pending = sentence("Finland", [SIGNED, RATIFIED, WITHDREW], date(2025, 9, 1), precisions)
    assert pending == ("Finland notified its withdrawal from the Mine Ban Treaty in July 2025; the withdrawal takes "
                       "effect in January 2026. Until then Finland is still a state party, bound by the treaty, as "
                       "it has been since 1 March 1999.")
    _, withdrawn = sentence("Finland", [SIGNED, RATIFIED, WITHDREW], date(2026, 3, 1), precisions)
    assert withdrawn == ("Finland withdrew from the Mine Ban Treaty with effect from January 2026; it had been a "
                         "state party since 1 March 1999.")


def test_after_rejoining_a_withdrawn_state_is_said_to_have_been_a_party_since_its_first_entry_into_force():
    specs = [SIGNED, RATIFIED, WITHDREW, ("accession", date(2027, 2, 3), False)]
    _, text = sentence("Finland", specs, date(2026, 3, 1))
    assert text == ("Finland withdrew from the Mine Ban Treaty with effect from 10 January 2026; it had been a "
                    "state party since 1 March 1999.")


def one(state, day, act_id="a0"):
    """A timeline of one transition, for the sentences of states whose earlier history is unknown."""
    current = status.Transition(state, day, act_id)
    return current, [current]


@pytest.mark.parametrize("state, kind, expected", [
    (status.SIGNATORY, "signature",
     "Lebanon signed the Mine Ban Treaty on a date the data does not record but has not ratified it."),
    (status.STATE_PARTY, None, "Lebanon has been a state party to the Mine Ban Treaty since 1 March 1999."),
    (status.CONSENTED_NOT_IN_FORCE, "accession",
     "Lebanon deposited its instrument of accession to the Mine Ban Treaty on a date the data does not record; "
     "the treaty has not yet entered into force for Lebanon."),
    (status.WITHDRAWAL_PENDING, "withdrawal",
     "Lebanon notified its withdrawal from the Mine Ban Treaty on a date the data does not record; it has not "
     "yet taken effect, and Lebanon is still a state party, bound by the treaty."),
    (status.WITHDRAWAL_SUSPENDED, "withdrawal",
     "Lebanon notified its withdrawal from the Mine Ban Treaty on a date the data does not record, but under "
     "Article 20(3) it does not take effect while Lebanon is engaged in an armed conflict, so Lebanon remains "
     "bound; it is still a state party."),
    (status.WITHDRAWN, "withdrawal", "Lebanon withdrew from the Mine Ban Treaty with effect from 1 March 1999."),
])
def test_sentences_say_what_the_data_does_not_record(state, kind, expected):
    # Lebanon's accession is recorded with no date (seed_data/treaty_actions/apmbc.yaml): the sentence
    # must say so instead of inventing one. The other states here are the same sentence with no history.
    current, timeline = one(state, date(1999, 3, 1))
    assert status_sentence("Lebanon", TREATY, current, timeline, kind, None) == expected


@pytest.mark.parametrize("kinds, note", [
    ([], ""),
    (["accession"], " The data also records an act of accession whose date is not known, so it is not reflected here."),
    (["signature", "accession"], " The data also records an act of signature and an act of accession whose date is "
                                 "not known, so it is not reflected here."),
])
def test_undated_acts_are_named_in_a_note(kinds, note):
    assert undated_note(kinds) == note
