"""Treaty status as a pure function of a state's treaty actions and a date.

Knows nothing of HTTP or the database. It follows the Mine Ban Treaty:
- Article 17: a consent enters into force on the first day of the sixth month after the
  month of deposit, and never before the treaty itself enters into force.
- Article 20: a withdrawal takes effect six months after deposit; under Article 20(3) it
  does not take effect while the withdrawing state is engaged in an armed conflict.
Other treaties with the same shape (the Convention on Cluster Munitions, for one) only
need different `TreatyRules`.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

NOT_SIGNATORY = "not_signatory"
SIGNATORY = "signatory"
CONSENTED_NOT_IN_FORCE = "consented_not_in_force"
STATE_PARTY = "state_party"
WITHDRAWAL_PENDING = "withdrawal_pending"
WITHDRAWAL_SUSPENDED = "withdrawal_suspended"
WITHDRAWN = "withdrawn"
STATUSES = (NOT_SIGNATORY, SIGNATORY, CONSENTED_NOT_IN_FORCE, STATE_PARTY,
            WITHDRAWAL_PENDING, WITHDRAWAL_SUSPENDED, WITHDRAWN)
# Bound by the treaty's obligations on that date.
BOUND_STATUSES = frozenset({STATE_PARTY, WITHDRAWAL_PENDING, WITHDRAWAL_SUSPENDED})

SIGNATURE = "signature"
CONSENT_KINDS = ("ratification", "acceptance", "approval", "accession", "succession")
WITHDRAWAL = "withdrawal"
SUSPENSION_DECLARATION = "suspension_declaration"
ACTION_KINDS = (SIGNATURE, *CONSENT_KINDS, WITHDRAWAL, SUSPENSION_DECLARATION)


@dataclass(frozen=True)
class TreatyRules:
    entry_into_force: date
    consent_delay_months: int = 6
    withdrawal_delay_months: int = 6


@dataclass(frozen=True)
class Act:
    """One treaty action. `effective` is read only for successions, which take effect
    on a date the depositary records rather than one the articles compute."""
    id: str
    kind: str
    date: date | None
    effective: date | None = None
    armed_conflict_hold: bool = False
    conflict_ended: date | None = None


@dataclass(frozen=True)
class Transition:
    """From `start` on, the state has `status`, because of act `act_id`."""
    status: str
    start: date
    act_id: str | None


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clipped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def entry_into_force(deposit: date, rules: TreatyRules) -> date:
    """Article 17: first day of the sixth month after the month of deposit."""
    first_of_month = add_months(deposit.replace(day=1), rules.consent_delay_months)
    return max(rules.entry_into_force, first_of_month)


def withdrawal_effective(deposit: date, rules: TreatyRules) -> date:
    """Article 20(2): six months after the depositary receives the notification."""
    return add_months(deposit, rules.withdrawal_delay_months)


def expected_effective(act: Act, rules: TreatyRules) -> date | None:
    """The date the articles give for `act` to take effect (None when they give none)."""
    if act.date is None or act.kind == "succession":
        return act.effective
    if act.kind in CONSENT_KINDS:
        return entry_into_force(act.date, rules)
    if act.kind == WITHDRAWAL:
        return withdrawal_effective(act.date, rules)
    return None


def _points(act: Act, rules: TreatyRules) -> list[tuple[date, int, str]]:
    """(date, same-day order, status) points that one act puts on the timeline."""
    if act.date is None:
        return []
    if act.kind == SIGNATURE:
        return [(act.date, 0, SIGNATORY)]
    if act.kind in CONSENT_KINDS:
        in_force = expected_effective(act, rules)
        consented = [(act.date, 1, CONSENTED_NOT_IN_FORCE)] if in_force > act.date else []
        return consented + [(in_force, 2, STATE_PARTY)]
    if act.kind == WITHDRAWAL:
        effective = withdrawal_effective(act.date, rules)
        points = [(act.date, 3, WITHDRAWAL_PENDING)]
        if not act.armed_conflict_hold:
            return points + [(effective, 4, WITHDRAWN)]
        points.append((effective, 4, WITHDRAWAL_SUSPENDED))
        if act.conflict_ended is not None:
            points.append((max(effective, act.conflict_ended), 5, WITHDRAWN))
        return points
    return []  # declarations leave the legal status as it is


def transitions(acts: list[Act], rules: TreatyRules) -> list[Transition]:
    """Every change of status, in date order. Empty means never a signatory."""
    points = sorted((day, order, status, act.id)
                    for act in acts for day, order, status in _points(act, rules))
    result: list[Transition] = []
    for day, _, status, act_id in points:
        current = result[-1].status if result else NOT_SIGNATORY
        if status == SIGNATORY and current != NOT_SIGNATORY:
            continue  # a signature after consent changes nothing
        if status != current:
            result.append(Transition(status, day, act_id))
    return result


def status_on(timeline: list[Transition], on: date) -> Transition:
    """The transition in force on `on` (a not_signatory one with no start if none)."""
    current = Transition(NOT_SIGNATORY, None, None)
    for transition in timeline:
        if transition.start > on:
            break
        current = transition
    return current
