"""One plain-language sentence for a state's status on a date, for journalists: dates exactly
as precise as the data, and the state named as English prose names it."""
from __future__ import annotations

from datetime import date

from api.rules import status
from api.rules.names import prose_name

PRECISIONS = ("day", "month", "year")


def long_date(day: date, precision: str = "day") -> str:
    """'1 May 2007' when the day is known, 'May 2007' when only the month is, '2007' when only the year."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{day:%B %Y}"
    return f"{day.day} {day:%B %Y}"


def on_date(day: date, precision: str = "day") -> str:
    """'on 1 May 2007', 'in May 2007', 'in 2007'."""
    return f"{'on' if precision == 'day' else 'in'} {long_date(day, precision)}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _act_precision(act_id: str | None, precisions: dict[str, str]) -> str:
    """The date_precision of act `act_id`: day when the act is not in `precisions`, or there is no act."""
    return "day" if act_id is None else precisions.get(act_id, "day")


def _start(transition: status.Transition) -> date:
    """When a transition of a timeline began. Every transition status.transitions makes has a start;
    only status_on's not_signatory default (no act) has none, and it is never in a timeline."""
    assert transition.start is not None, f"{transition} is not a transition of a timeline"
    return transition.start


def transition_precision(transition: status.Transition, precisions: dict[str, str]) -> str:
    """How precisely the data knows when `transition` began: that of the act causing it, except
    that Article 17 puts entry into force on the first day of a month counted from the month of
    deposit, so a deposit known to the month gives an entry into force known to the day."""
    precision = _act_precision(transition.act_id, precisions)
    if transition.status == status.STATE_PARTY and precision == "month":
        return "day"
    return precision


def status_sentence(name: str, treaty: str, current: status.Transition, timeline: list[status.Transition],
                    action_kind: str | None, action_date: date | None,
                    precisions: dict[str, str] | None = None) -> str:
    """E.g. 'Finland withdrew from the Mine Ban Treaty with effect from 10 January 2026; it had
    been a state party since 1 July 2012.' `name` is the state's name as stored (ISO forms such as
    'Congo, The Democratic Republic of the' are written as prose); `precisions` maps the ids of
    the state's acts to their date_precision (day when absent)."""
    precisions = precisions or {}
    subject, name = capitalised(prose_name(name)), prose_name(name)
    since = long_date(current.start, transition_precision(current, precisions)) if current.start else None
    acted = (on_date(action_date, _act_precision(current.act_id, precisions)) if action_date
             else "on a date the data does not record")
    party = _last_party(timeline, current)
    party_since = long_date(_start(party), transition_precision(party, precisions)) if party else None
    following = _next(timeline, current)
    match current.status:
        case status.NOT_A_STATE:
            return (f"{subject} did not exist as a state then, so the {treaty} could not apply to it." if not since
                    else f"{subject} no longer existed as a state from {since}.")
        case status.NOT_SIGNATORY:
            return f"{subject} has not signed or joined the {treaty}."
        case status.SIGNATORY:
            return f"{subject} signed the {treaty} {acted} but has not ratified it."
        case status.CONSENTED_NOT_IN_FORCE:
            enters = (f"the treaty enters into force for {name} "
                      f"{on_date(_start(following), transition_precision(following, precisions))}"
                      if following and following.status == status.STATE_PARTY
                      else f"the treaty has not yet entered into force for {name}")
            return f"{subject} deposited its instrument of {action_kind} to the {treaty} {acted}; {enters}."
        case status.STATE_PARTY:
            how = f" (instrument of {action_kind} deposited {acted})" if action_kind else ""
            return f"{subject} has been a state party to the {treaty} since {since}{how}."
        case status.WITHDRAWAL_PENDING:
            bound = "is still a state party, bound by the treaty" + (
                f", as it has been since {party_since}" if party_since else "")
            notified = f"{subject} notified its withdrawal from the {treaty} {acted}"
            if following is None:
                return f"{notified}; it has not yet taken effect, and {name} {bound}."
            effect = on_date(_start(following), transition_precision(following, precisions))
            if following.status == status.WITHDRAWAL_SUSPENDED:
                return (f"{notified}; the withdrawal would take effect {effect}, but under Article 20(3) not while "
                        f"{name} is engaged in an armed conflict. {subject} {bound}.")
            return f"{notified}; the withdrawal takes effect {effect}. Until then {name} {bound}."
        case status.WITHDRAWAL_SUSPENDED:
            bound = f"it has been a state party since {party_since}" if party_since else "it is still a state party"
            return (f"{subject} notified its withdrawal from the {treaty} {acted}, "
                    f"but under Article 20(3) it does not take effect while {name} is engaged in an armed conflict, "
                    f"so {name} remains bound; {bound}.")
        case _:
            party_clause = f"; it had been a state party since {party_since}" if party_since else ""
            return f"{subject} withdrew from the {treaty} with effect from {since}{party_clause}."


def _last_party(timeline: list[status.Transition], current: status.Transition) -> status.Transition | None:
    party = None
    for transition in timeline:
        if transition == current:
            break
        if transition.status == status.STATE_PARTY:
            party = transition
    return party


def _next(timeline: list[status.Transition], current: status.Transition) -> status.Transition | None:
    if current not in timeline:
        return None
    index = timeline.index(current)
    return timeline[index + 1] if index + 1 < len(timeline) else None


def undated_note(kinds: list[str]) -> str:
    """A warning that acts without a known date could not be taken into account."""
    if not kinds:
        return ""
    acts = " and ".join(f"an act of {kind}" for kind in kinds)
    return f" The data also records {acts} whose date is not known, so it is not reflected here."
