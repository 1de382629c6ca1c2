"""One plain-language sentence for a state's status on a date, for journalists."""
from __future__ import annotations

from datetime import date

from api.rules import status


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def status_sentence(name: str, treaty: str, current: status.Transition, timeline: list[status.Transition],
                    action_kind: str | None, action_date: date | None) -> str:
    """E.g. 'Finland withdrew from the Mine Ban Treaty with effect from 10 January 2026; it had
    been a state party since 1 July 2012.'"""
    since = long_date(current.start) if current.start else None
    party_since = _last_party_start(timeline, current)
    party_clause = f"; it had been a state party since {long_date(party_since)}" if party_since else ""
    acted = long_date(action_date) if action_date else "an unknown date"
    match current.status:
        case status.NOT_SIGNATORY:
            return f"{name} has not signed or joined the {treaty}."
        case status.SIGNATORY:
            return f"{name} signed the {treaty} on {since} but has not ratified it."
        case status.CONSENTED_NOT_IN_FORCE:
            return (f"{name} deposited its instrument of {action_kind} to the {treaty} on {since}; "
                    f"it had not yet entered into force for {name}.")
        case status.STATE_PARTY:
            how = f" (instrument of {action_kind} deposited on {acted})" if action_kind else ""
            return f"{name} has been a state party to the {treaty} since {since}{how}."
        case status.WITHDRAWAL_PENDING:
            return (f"{name} notified its withdrawal from the {treaty} on {since}; "
                    f"it remains bound until the withdrawal takes effect{party_clause}.")
        case status.WITHDRAWAL_SUSPENDED:
            return (f"{name} notified its withdrawal from the {treaty} on {acted}, "
                    f"but under Article 20(3) it does not take effect while {name} is engaged in an armed conflict, "
                    f"so {name} remains bound{party_clause}.")
        case _:
            return f"{name} withdrew from the {treaty} with effect from {since}{party_clause}."


def _last_party_start(timeline: list[status.Transition], current: status.Transition) -> date | None:
    party_start = None
    for transition in timeline:
        if transition == current:
            break
        if transition.status == status.STATE_PARTY:
            party_start = transition.start
    return party_start


def undated_note(kinds: list[str]) -> str:
    """A warning that acts without a known date could not be taken into account."""
    if not kinds:
        return ""
    acts = " and ".join(f"an act of {kind}" for kind in kinds)
    return f" The data also records {acts} whose date is not known, so it is not reflected here."
