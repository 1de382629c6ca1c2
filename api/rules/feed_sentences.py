"""Headlines of the change feed, in words, for a news ticker: states by the name English prose
gives them, dates exactly as precise as the data (sentences.long_date), e.g. "Finland's
withdrawal from the Mine Ban Treaty took effect on 10 January 2026"."""
from __future__ import annotations

from datetime import date

from api.rules import status
from api.rules.names import prose_name
from api.rules.sentences import capitalised, on_date

_DIMENSIONS = {"use": "the use of anti-personnel mines", "production": "producing anti-personnel mines",
               "stockpiling": "stockpiling anti-personnel mines", "transfer": "transferring anti-personnel mines",
               "geographic_scope": "where anti-personnel mines may be used",
               "technical_conditions": "technical conditions on anti-personnel mines"}
_ARTICLES = {4: "stockpile destruction", 5: "mine clearance"}
_TABLES = {"treaty_action": "treaty action", "policy_position": "policy position",
           "obligation_event": "obligation event", "state": "state", "source": "source", "treaty": "treaty",
           "producer_list": "producer list"}


def words(code: str) -> str:
    return code.replace("_", " ")


def possessive(name: str) -> str:
    """"Finland's", "the Netherlands'": the state's prose name as a possessive."""
    prose = prose_name(name)
    return prose + ("'" if prose.endswith("s") else "'s")


def effect_precision(kind: str, precision: str) -> str:
    """How precisely the date an act took effect is known: that of the act, except that Article 17
    puts entry into force on the first day of a month counted from the month of deposit."""
    return "day" if precision == "month" and kind in status.CONSENT_KINDS else precision


def _act(subject: str, treaty: str, kind: str, when: str) -> str:
    if kind == status.SIGNATURE:
        return f"{subject} signed the {treaty} {when}"
    if kind == status.WITHDRAWAL:
        return f"{subject} notified its withdrawal from the {treaty} {when}"
    if kind == status.SUSPENSION_DECLARATION:
        return f"{subject} made a declaration under Article 20(3) of the {treaty} {when}"
    return f"{subject} deposited its instrument of {words(kind)} to the {treaty} {when}"


def action_headline(name: str, treaty: str, kind: str, day: date, precision: str, effective: date | None) -> str:
    """The act as it took effect when it has an effective date of its own, else the act itself."""
    if effective and effective != day:
        relation = "from" if kind == status.WITHDRAWAL else "to"
        return (f"{capitalised(possessive(name))} {words(kind)} {relation} the {treaty} took effect "
                f"{on_date(effective, effect_precision(kind, precision))}")
    return _act(capitalised(prose_name(name)), treaty, kind, on_date(day, precision))


def action_summary(name: str, treaty: str, kind: str, day: date, precision: str, effective: date | None) -> str:
    """The headline, and the day the instrument was deposited when that is not the day it took effect."""
    headline = action_headline(name, treaty, kind, day, precision, effective)
    if effective and effective != day:
        return f"{headline}. {_act(capitalised(prose_name(name)), treaty, kind, on_date(day, precision))}."
    return f"{headline}."


def policy_headline(name: str, dimension: str, position: str, day: date, precision: str) -> str:
    return (f"{capitalised(possessive(name))} position on {_DIMENSIONS.get(dimension, words(dimension))} "
            f"became “{words(position)}” {on_date(day, precision)}")


def obligation_headline(name: str, article: int, kind: str, day: date, precision: str,
                        deadline: date | None) -> str:
    subject, when = capitalised(prose_name(name)), on_date(day, precision)
    duty = f"Article {article} ({_ARTICLES.get(article, 'obligation')})"
    match kind:
        case "completed":
            return f"{subject} completed its {duty} obligation {when}"
        case "deadline_missed":
            return f"{subject} missed its {duty} deadline {when}"
        case "extension_granted":
            until = f", to {on_date(deadline)[3:]}" if deadline else ""
            return f"{subject} was granted an extension of its {duty} deadline {when}{until}"
        case "extension_requested":
            asked = f", to {on_date(deadline)[3:]}" if deadline else ""
            return f"{subject} requested an extension of its {duty} deadline {when}{asked}"
        case "no_obligation":
            return f"{subject} stated it has no {duty} obligation {when}"
        case "obligation_reported":
            return f"{subject} reported an {duty} obligation {when}"
    return f"{subject}: {duty} {words(kind)} {when}"


def producer_list_headline(report: str, count: int, day: date, precision: str) -> str:
    return (f"{report} was published {on_date(day, precision)}, listing {count} states as producers or potential "
            "producers of anti-personnel mines")


def producer_list_summary(report: str, count: int, day: date, precision: str, names: list[str],
                          complete: bool) -> str:
    """The headline, and the states named: all of them, or those of a partial list that could be read."""
    listed = ", ".join(prose_name(name) for name in names)
    which = f"The states: {listed}." if complete else f"The data names {len(names)} of them: {listed}."
    return f"{producer_list_headline(report, count, day, precision)}. {which}"


def recorded_headline(table: str, record_id: str, change: str, version: str, name: str | None,
                      title: str | None = None, fields: list[str] | None = None) -> str:
    """A change to the data: 'New source: …' for a source added, else which record changed how."""
    if table == "source" and change == "added":
        return f"New source{': ' + title if title else ' ' + record_id}, added in dataset version {version}"
    about = f" about {prose_name(name)}" if name else ""
    which = f" ({', '.join(fields)})" if fields else ""
    return f"The {_TABLES.get(table, words(table))} {record_id}{about} was {change}{which} in dataset version {version}"


def change_type(change: dict[str, object]) -> str:
    """The type of a recorded change: `source` for a source added (versions recorded before
    there was such a type stored it as a correction), else the type stored with it."""
    return "source" if change["table"] == "source" and change["change"] == "added" else str(change["kind"])
