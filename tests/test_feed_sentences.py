"""The change feed's headlines in words (api/rules/feed_sentences.py), pure: no app, no database.
Every expected sentence is written out whole. Real events are taken from seed_data/ (the record
id is cited beside each); where a test needs a precision or a value the data does not have (a
deposit known only to the month, an unknown kind), the comment says it is hypothetical."""
from datetime import date

import pytest

from api.rules.feed_sentences import (
    action_headline,
    action_summary,
    change_type,
    effect_precision,
    obligation_headline,
    policy_headline,
    possessive,
    producer_list_headline,
    producer_list_summary,
    recorded_headline,
    words,
)

TREATY = "Mine Ban Treaty"  # seed_data/treaties.yaml, apmbc: short_name
# A dataset version id in the form api/write/versions.py gives it (day loaded, content hash); any id will do.
VERSION = "2026.12.03-5f0c2a9e"


def test_words_turns_every_underscore_into_a_space():
    assert words("permitted_with_restrictions") == "permitted with restrictions"
    assert words("moratorium") == "moratorium"


@pytest.mark.parametrize("name, expected", [
    ("Finland", "Finland's"),
    ("Netherlands", "the Netherlands'"),  # a prose name ending in "s" takes the apostrophe alone
    ("Bahamas", "the Bahamas'"),
    ("United States", "the United States'"),
    ("Congo, The Democratic Republic of the", "the Democratic Republic of the Congo's"),
    ("Palestine, State of", "the State of Palestine's"),
])
def test_possessive_is_of_the_prose_name(name, expected):
    assert possessive(name) == expected


@pytest.mark.parametrize("kind, precision, expected", [
    # Article 17(2): a consent takes effect on the first day of a month, so a deposit known to the
    # month still gives an entry into force known to the day; one known only to the year does not.
    ("ratification", "month", "day"), ("acceptance", "month", "day"), ("approval", "month", "day"),
    ("accession", "month", "day"), ("succession", "month", "day"),
    ("accession", "year", "year"), ("accession", "day", "day"),
    # Article 20(2): a withdrawal takes effect six months after the deposit, to the deposit's day.
    ("withdrawal", "month", "month"), ("withdrawal", "year", "year"), ("withdrawal", "day", "day"),
    ("signature", "month", "month"), ("suspension_declaration", "year", "year"),
])
def test_effect_precision(kind, precision, expected):
    assert effect_precision(kind, precision) == expected


# Acts with a date of effect of their own: the headline says when it took effect, the summary adds
# the deposit. (name, kind, deposit, precision, effective, headline, deposit sentence)
TOOK_EFFECT = {
    # seed_data/treaty_actions/apmbc.yaml, apmbc-fi-withdrawal: notified 2025-07-10, effective 2026-01-10
    "withdrawal": ("Finland", "withdrawal", date(2025, 7, 10), "day", date(2026, 1, 10),
                   "Finland's withdrawal from the Mine Ban Treaty took effect on 10 January 2026",
                   "Finland notified its withdrawal from the Mine Ban Treaty on 10 July 2025"),
    # apmbc-fi-accession: deposited 2012-01-09, effective 2012-07-01
    "accession": ("Finland", "accession", date(2012, 1, 9), "day", date(2012, 7, 1),
                  "Finland's accession to the Mine Ban Treaty took effect on 1 July 2012",
                  "Finland deposited its instrument of accession to the Mine Ban Treaty on 9 January 2012"),
    # apmbc-ca-ratification: deposited 1997-12-03, effective 1999-03-01 (the treaty's own entry into force)
    "ratification": ("Canada", "ratification", date(1997, 12, 3), "day", date(1999, 3, 1),
                     "Canada's ratification to the Mine Ban Treaty took effect on 1 March 1999",
                     "Canada deposited its instrument of ratification to the Mine Ban Treaty on 3 December 1997"),
    # apmbc-nl-acceptance: deposited 1999-04-12, effective 1999-10-01
    "acceptance": ("Netherlands", "acceptance", date(1999, 4, 12), "day", date(1999, 10, 1),
                   "The Netherlands' acceptance to the Mine Ban Treaty took effect on 1 October 1999",
                   "The Netherlands deposited its instrument of acceptance to the Mine Ban Treaty on 12 April 1999"),
    # apmbc-ss-succession: deposited 2011-11-11, effective 2011-07-09 (independence; earlier than the deposit)
    "succession": ("South Sudan", "succession", date(2011, 11, 11), "day", date(2011, 7, 9),
                   "South Sudan's succession to the Mine Ban Treaty took effect on 9 July 2011",
                   "South Sudan deposited its instrument of succession to the Mine Ban Treaty on 11 November 2011"),
    # apmbc-ps-accession: deposited 2017-12-29, effective 2018-06-01
    "accession, inverted name": (
        "Palestine, State of", "accession", date(2017, 12, 29), "day", date(2018, 6, 1),
        "The State of Palestine's accession to the Mine Ban Treaty took effect on 1 June 2018",
        "The State of Palestine deposited its instrument of accession to the Mine Ban Treaty on 29 December 2017"),
    # Hypothetical precisions of real acts (every treaty action in seed_data/ is dated to the day):
    # apmbc-fi-accession as if known to the month, then to the year; Article 17 still gives the day
    # of entry into force from the month, not from the year.
    "accession, month": ("Finland", "accession", date(2012, 1, 1), "month", date(2012, 7, 1),
                         "Finland's accession to the Mine Ban Treaty took effect on 1 July 2012",
                         "Finland deposited its instrument of accession to the Mine Ban Treaty in January 2012"),
    "accession, year": ("Finland", "accession", date(2012, 1, 1), "year", date(2012, 7, 1),
                        "Finland's accession to the Mine Ban Treaty took effect in 2012",
                        "Finland deposited its instrument of accession to the Mine Ban Treaty in 2012"),
    # apmbc-fi-withdrawal as if known to the month (its notes quote the ministry: "The withdrawal
    # shall take effect in January 2026"), then to the year.
    "withdrawal, month": ("Finland", "withdrawal", date(2025, 7, 1), "month", date(2026, 1, 1),
                          "Finland's withdrawal from the Mine Ban Treaty took effect in January 2026",
                          "Finland notified its withdrawal from the Mine Ban Treaty in July 2025"),
    "withdrawal, year": ("Finland", "withdrawal", date(2025, 1, 1), "year", date(2026, 1, 1),
                         "Finland's withdrawal from the Mine Ban Treaty took effect in 2026",
                         "Finland notified its withdrawal from the Mine Ban Treaty in 2025"),
    # Hypothetical: no state in seed_data/ consented by approval; apmbc-nl-acceptance's dates.
    "approval": ("Netherlands", "approval", date(1999, 4, 12), "day", date(1999, 10, 1),
                 "The Netherlands' approval to the Mine Ban Treaty took effect on 1 October 1999",
                 "The Netherlands deposited its instrument of approval to the Mine Ban Treaty on 12 April 1999"),
}


@pytest.mark.parametrize("case", TOOK_EFFECT.values(), ids=TOOK_EFFECT.keys())
def test_an_act_with_a_date_of_effect_is_headlined_by_it(case):
    name, kind, deposit, precision, effective, headline, deposited = case
    assert action_headline(name, TREATY, kind, deposit, precision, effective) == headline
    assert action_summary(name, TREATY, kind, deposit, precision, effective) == f"{headline}. {deposited}."


# Acts headlined by the act itself: no date of effect, or one on the day of the act.
# (name, kind, day, precision, effective, headline)
THE_ACT = {
    # apmbc-nl-signature: 1997-12-03, no effective date
    "signature": ("Netherlands", "signature", date(1997, 12, 3), "day", None,
                  "The Netherlands signed the Mine Ban Treaty on 3 December 1997"),
    # apmbc-ua-signature: 1999-02-24
    "signature, month": ("Ukraine", "signature", date(1999, 2, 1), "month", None,  # hypothetically to the month
                         "Ukraine signed the Mine Ban Treaty in February 1999"),
    "signature, year": ("Ukraine", "signature", date(1999, 1, 1), "year", None,  # hypothetically to the year
                        "Ukraine signed the Mine Ban Treaty in 1999"),
    # apmbc-ua-suspension-declaration: 2025-07-18, no effective date
    "suspension declaration": ("Ukraine", "suspension_declaration", date(2025, 7, 18), "day", None,
                               "Ukraine made a declaration under Article 20(3) of the Mine Ban Treaty on 18 July 2025"),
    # Hypothetical: apmbc-fi-withdrawal before its date of effect was recorded, then with the deposit
    # day recorded as the effective day too; either way the act is the news.
    "withdrawal, no effect yet": ("Finland", "withdrawal", date(2025, 7, 10), "day", None,
                                  "Finland notified its withdrawal from the Mine Ban Treaty on 10 July 2025"),
    "withdrawal, effect the same day": ("Finland", "withdrawal", date(2025, 7, 10), "day", date(2025, 7, 10),
                                        "Finland notified its withdrawal from the Mine Ban Treaty on 10 July 2025"),
    # Hypothetical: the United States has no treaty action in seed_data/; a consent with no effective
    # date yet says what was deposited.
    "ratification, no effect yet": ("United States", "ratification", date(2025, 7, 10), "day", None,
                                    "The United States deposited its instrument of ratification to the Mine Ban "
                                    "Treaty on 10 July 2025"),
    # apmbc-bs-ratification: deposited 1998-07-31; here known to the month, and hypothetically
    # effective on the day recorded for the deposit.
    "ratification, effect the same day": ("Bahamas", "ratification", date(1998, 7, 1), "month", date(1998, 7, 1),
                                          "The Bahamas deposited its instrument of ratification to the Mine Ban "
                                          "Treaty in July 1998"),
}


@pytest.mark.parametrize("case", THE_ACT.values(), ids=THE_ACT.keys())
def test_an_act_without_a_later_date_of_effect_is_headlined_by_the_act(case):
    name, kind, day, precision, effective, headline = case
    assert action_headline(name, TREATY, kind, day, precision, effective) == headline
    assert action_summary(name, TREATY, kind, day, precision, effective) == f"{headline}."


def test_the_treaty_is_named_as_given():
    # apmbc-fi-withdrawal, with the treaty's full name from seed_data/treaties.yaml
    full = ("Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel "
            "Mines and on their Destruction")
    assert action_headline("Finland", full, "withdrawal", date(2025, 7, 10), "day", date(2026, 1, 10)) == \
        f"Finland's withdrawal from the {full} took effect on 10 January 2026"


# seed_data/policies/US.yaml: on 2022-06-21 the United States set a position on every dimension
# (ids us-2022-06-21-use, -geographic-scope, -technical-conditions, -production, -stockpiling, -transfer).
@pytest.mark.parametrize("dimension, position, expected", [
    ("use", "permitted_with_restrictions",
     "The United States' position on the use of anti-personnel mines became “permitted with restrictions” "
     "on 21 June 2022"),
    ("geographic_scope", "permitted_with_restrictions",
     "The United States' position on where anti-personnel mines may be used became “permitted with "
     "restrictions” on 21 June 2022"),
    ("technical_conditions", "unknown",
     "The United States' position on technical conditions on anti-personnel mines became “unknown” "
     "on 21 June 2022"),
    ("production", "prohibited",
     "The United States' position on producing anti-personnel mines became “prohibited” on 21 June 2022"),
    ("stockpiling", "permitted_with_restrictions",
     "The United States' position on stockpiling anti-personnel mines became “permitted with restrictions” "
     "on 21 June 2022"),
    ("transfer", "prohibited",
     "The United States' position on transferring anti-personnel mines became “prohibited” on 21 June 2022"),
])
def test_policy_headline_names_each_dimension_in_words(dimension, position, expected):
    assert policy_headline("United States", dimension, position, date(2022, 6, 21), "day") == expected


@pytest.mark.parametrize("name, dimension, position, day, precision, expected", [
    # seed_data/policies/BH.yaml, bh-2005-01-01-stockpiling: 2005, precision year
    ("Bahrain", "stockpiling", "permitted_with_restrictions", date(2005, 1, 1), "year",
     "Bahrain's position on stockpiling anti-personnel mines became “permitted with restrictions” in 2005"),
    # bh-2011-01-01-use: January 2011, precision month
    ("Bahrain", "use", "no_public_position", date(2011, 1, 1), "month",
     "Bahrain's position on the use of anti-personnel mines became “no public position” in January 2011"),
    # seed_data/policies/FI.yaml, fi-2025-04-01-transfer: 1 April 2025
    ("Finland", "transfer", "under_review", date(2025, 4, 1), "day",
     "Finland's position on transferring anti-personnel mines became “under review” on 1 April 2025"),
    # Hypothetical: a dimension the sentences do not know yet is named by its code in words.
    ("Finland", "anti_vehicle_mines", "under_review", date(2025, 4, 1), "day",
     "Finland's position on anti vehicle mines became “under review” on 1 April 2025"),
])
def test_policy_headline_is_as_precise_as_the_date(name, dimension, position, day, precision, expected):
    assert policy_headline(name, dimension, position, day, precision) == expected


# seed_data/obligations/apmbc.yaml (ids beside each case)
@pytest.mark.parametrize("name, article, kind, day, precision, deadline, expected", [
    # apmbc-af-art4-completed: 2006, precision year
    ("Afghanistan", 4, "completed", date(2006, 1, 1), "year", None,
     "Afghanistan completed its Article 4 (stockpile destruction) obligation in 2006"),
    # apmbc-af-art4-completed-2: October 2007, precision month
    ("Afghanistan", 4, "completed", date(2007, 10, 1), "month", None,
     "Afghanistan completed its Article 4 (stockpile destruction) obligation in October 2007"),
    # apmbc-al-art5-completed: 1 December 2009
    ("Albania", 5, "completed", date(2009, 12, 1), "day", None,
     "Albania completed its Article 5 (mine clearance) obligation on 1 December 2009"),
    # apmbc-af-art4-deadline-missed: 1 March 2007
    ("Afghanistan", 4, "deadline_missed", date(2007, 3, 1), "day", None,
     "Afghanistan missed its Article 4 (stockpile destruction) deadline on 1 March 2007"),
    # apmbc-af-art5-extension-granted-1: December 2012, new deadline 1 March 2023
    ("Afghanistan", 5, "extension_granted", date(2012, 12, 1), "month", date(2023, 3, 1),
     "Afghanistan was granted an extension of its Article 5 (mine clearance) deadline in December 2012, "
     "to 1 March 2023"),
    # apmbc-cy-art5-extension-granted-2: 4 December 2015, new deadline not in the sources (null)
    ("Cyprus", 5, "extension_granted", date(2015, 12, 4), "day", None,
     "Cyprus was granted an extension of its Article 5 (mine clearance) deadline on 4 December 2015"),
    # apmbc-et-art5-extension-requested-3: 31 March 2025, deadline asked for 31 December 2030
    ("Ethiopia", 5, "extension_requested", date(2025, 3, 31), "day", date(2030, 12, 31),
     "Ethiopia requested an extension of its Article 5 (mine clearance) deadline on 31 March 2025, "
     "to 31 December 2030"),
    # Hypothetical: a request dated to the month, with no deadline asked for in the sources
    ("Democratic Republic of the Congo", 5, "extension_requested", date(2025, 3, 1), "month", None,
     "The Democratic Republic of the Congo requested an extension of its Article 5 (mine clearance) deadline "
     "in March 2025"),
    # apmbc-ad-art4-no-obligation and apmbc-ad-art5-no-obligation: 12 July 2000
    ("Andorra", 4, "no_obligation", date(2000, 7, 12), "day", None,
     "Andorra stated it has no Article 4 (stockpile destruction) obligation on 12 July 2000"),
    ("Andorra", 5, "no_obligation", date(2000, 7, 12), "day", None,
     "Andorra stated it has no Article 5 (mine clearance) obligation on 12 July 2000"),
    # apmbc-af-art4-obligation-reported: 30 April 2005; apmbc-af-art5-obligation-reported: 1 September 2003
    ("Afghanistan", 4, "obligation_reported", date(2005, 4, 30), "day", None,
     "Afghanistan reported an Article 4 (stockpile destruction) obligation on 30 April 2005"),
    ("Afghanistan", 5, "obligation_reported", date(2003, 9, 1), "day", None,
     "Afghanistan reported an Article 5 (mine clearance) obligation on 1 September 2003"),
    # Hypothetical: a name with "the", an article other than 4 and 5, a kind the sentences do not know.
    ("United States", 4, "completed", date(2007, 10, 1), "month", None,
     "The United States completed its Article 4 (stockpile destruction) obligation in October 2007"),
    ("Afghanistan", 7, "obligation_reported", date(2005, 4, 30), "day", None,
     "Afghanistan reported an Article 7 (obligation) obligation on 30 April 2005"),
    ("Afghanistan", 5, "request_submitted", date(2012, 3, 29), "day", None,
     "Afghanistan: Article 5 (mine clearance) request submitted on 29 March 2012"),
    ("Afghanistan", 4, "request_submitted", date(2012, 1, 1), "year", None,
     "Afghanistan: Article 4 (stockpile destruction) request submitted in 2012"),
])
def test_obligation_headline_for_every_kind(name, article, kind, day, precision, deadline, expected):
    assert obligation_headline(name, article, kind, day, precision, deadline) == expected


# Changes recorded between dataset versions (api/write/versions.py, typed_changes); record ids from
# seed_data/ (sources/treaty.yaml, treaty_actions/apmbc.yaml, policies/US.yaml, obligations/apmbc.yaml).
@pytest.mark.parametrize("args, expected", [
    (("source", "t-monitor-2023-andorra", "added", VERSION, None, "Andorra: Mine Ban Policy (2023)"),
     f"New source: Andorra: Mine Ban Policy (2023), added in dataset version {VERSION}"),
    (("source", "t-monitor-2023-andorra", "added", VERSION, None),  # a source no longer in the data: no title
     f"New source t-monitor-2023-andorra, added in dataset version {VERSION}"),
    (("source", "t-monitor-2023-andorra", "changed", VERSION, None, "Andorra: Mine Ban Policy (2023)", ["url"]),
     f"The source t-monitor-2023-andorra was changed (url) in dataset version {VERSION}"),
    (("source", "t-monitor-2023-andorra", "removed", VERSION, None),
     f"The source t-monitor-2023-andorra was removed in dataset version {VERSION}"),
    (("treaty_action", "apmbc-fi-accession", "changed", VERSION, "Finland", None, ["notes"]),
     f"The treaty action apmbc-fi-accession about Finland was changed (notes) in dataset version {VERSION}"),
    (("treaty_action", "apmbc-fi-withdrawal", "added", VERSION, "Finland"),
     f"The treaty action apmbc-fi-withdrawal about Finland was added in dataset version {VERSION}"),
    (("policy_position", "us-2022-06-21-use", "changed", VERSION, "United States", None, ["position", "summary"]),
     "The policy position us-2022-06-21-use about the United States was changed (position, summary) "
     f"in dataset version {VERSION}"),
    (("obligation_event", "apmbc-af-art4-completed", "removed", VERSION, "Afghanistan", None, []),
     f"The obligation event apmbc-af-art4-completed about Afghanistan was removed in dataset version {VERSION}"),
    (("state", "NL", "changed", VERSION, "Netherlands", None, ["aliases"]),
     f"The state NL about the Netherlands was changed (aliases) in dataset version {VERSION}"),
    (("treaty", "apmbc", "changed", VERSION, None, None, ["notes"]),
     f"The treaty apmbc was changed (notes) in dataset version {VERSION}"),
    # Hypothetical: a table the sentences do not know yet is named by its name in words.
    (("casualty_report", "af-2024", "added", VERSION, "Afghanistan"),
     f"The casualty report af-2024 about Afghanistan was added in dataset version {VERSION}"),
])
def test_recorded_headline(args, expected):
    assert recorded_headline(*args) == expected


@pytest.mark.parametrize("change, expected", [
    ({"table": "source", "id": "t-monitor-2023-andorra", "change": "added", "kind": "source"}, "source"),
    # versions recorded before changes had the type `source` stored a source added as a correction
    ({"table": "source", "id": "t-monitor-2023-andorra", "change": "added", "kind": "correction"}, "source"),
    ({"table": "source", "id": "t-monitor-2023-andorra", "change": "changed", "kind": "correction"}, "correction"),
    ({"table": "treaty_action", "id": "apmbc-fi-withdrawal", "change": "added", "kind": "event"}, "event"),
    ({"table": "state", "id": "NL", "change": "added", "kind": "correction"}, "correction"),
])
def test_change_type(change, expected):
    assert change_type(change) == expected


# Landmine Monitor 2014's list (seed_data/monitor_lists/producers.yaml, lm-2014-producers): complete,
# 11 states, published in December 2014 (month precision); names as in seed_data/states.yaml.
LM_2014 = ("Landmine Monitor 2014", 11, date(2014, 12, 1), "month")
LM_2014_NAMES = ["China", "Cuba", "India", "Iran", "Myanmar", "North Korea", "Pakistan", "Russian Federation",
                 "Singapore", "South Korea", "Vietnam"]


def test_a_producer_list_headline_gives_the_report_its_date_and_count():
    assert producer_list_headline(*LM_2014) == (
        "Landmine Monitor 2014 was published in December 2014, listing 11 states as producers or potential "
        "producers of anti-personnel mines")
    # lm-2003-producers: published on 9 September 2003 (day precision), 15 states stated
    assert producer_list_headline("Landmine Monitor Report 2003", 15, date(2003, 9, 9), "day") == (
        "Landmine Monitor Report 2003 was published on 9 September 2003, listing 15 states as producers or "
        "potential producers of anti-personnel mines")


def test_a_complete_producer_list_names_every_state_in_prose():
    assert producer_list_summary(*LM_2014, LM_2014_NAMES, True) == (
        "Landmine Monitor 2014 was published in December 2014, listing 11 states as producers or potential "
        "producers of anti-personnel mines. The states: China, Cuba, India, Iran, Myanmar, North Korea, Pakistan, "
        "the Russian Federation, Singapore, South Korea, Vietnam.")


def test_a_partial_producer_list_says_how_many_of_them_the_data_names():
    # lm-2010-producers: 12 stated, three read (India, Myanmar, Pakistan); published on 24 November 2010
    facts = ("Landmine Monitor 2010", 12, date(2010, 11, 24), "day")
    assert producer_list_summary(*facts, ["India", "Myanmar", "Pakistan"], False) == (
        "Landmine Monitor 2010 was published on 24 November 2010, listing 12 states as producers or potential "
        "producers of anti-personnel mines. The data names 3 of them: India, Myanmar, Pakistan.")
    # a year's precision (hypothetical: every list in the data is dated to the month or the day)
    assert producer_list_headline("Landmine Monitor 2010", 12, date(2010, 11, 24), "year").startswith(
        "Landmine Monitor 2010 was published in 2010, listing")
