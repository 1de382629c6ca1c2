"""Treaty status as a pure function of a state's treaty actions and a date.

Knows nothing of HTTP or the database. It follows the Mine Ban Treaty:
- Article 17: a consent enters into force on the first day of the sixth month after the
  month of deposit, and never before the treaty itself enters into force.
- Article 20: a withdrawal takes effect six months after deposit; under Article 20(3) it
  does not take effect while the withdrawing state is engaged in an armed conflict.
- Articles 4 and 5: a state party destroys its stockpiled mines within 4 years, and clears
  its mined areas within 10 years, of the treaty entering into force for it; a Meeting of
  States Parties may extend the Article 5 deadline.
Other treaties with the same shape (the Convention on Cluster Munitions, for one) only
need different `TreatyRules`.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

Day = date  # for fields after one named `date`, which shadows the type inside its class

NOT_A_STATE = "not_a_state"  # before the state existed (or after it ceased): never counted
NOT_SIGNATORY = "not_signatory"
SIGNATORY = "signatory"
CONSENTED_NOT_IN_FORCE = "consented_not_in_force"
STATE_PARTY = "state_party"
WITHDRAWAL_PENDING = "withdrawal_pending"
WITHDRAWAL_SUSPENDED = "withdrawal_suspended"
WITHDRAWN = "withdrawn"
STATUSES = (NOT_A_STATE, NOT_SIGNATORY, SIGNATORY, CONSENTED_NOT_IN_FORCE, STATE_PARTY,
            WITHDRAWAL_PENDING, WITHDRAWAL_SUSPENDED, WITHDRAWN)
# Bound by the treaty's obligations on that date.
BOUND_STATUSES = frozenset({STATE_PARTY, WITHDRAWAL_PENDING, WITHDRAWAL_SUSPENDED})

SIGNATURE = "signature"
CONSENT_KINDS = ("ratification", "acceptance", "approval", "accession", "succession")
WITHDRAWAL = "withdrawal"
SUSPENSION_DECLARATION = "suspension_declaration"
ACTION_KINDS = (SIGNATURE, *CONSENT_KINDS, WITHDRAWAL, SUSPENSION_DECLARATION)

MINE_BAN_TREATY = "apmbc"  # the slug of the one treaty seeded; Articles 4 and 5 are its own


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
    effective: Day | None = None
    armed_conflict_hold: bool = False
    conflict_ended: Day | None = None


def _getter(record: Any) -> Callable[[str], Any]:
    """Field access for a record that is a dict (seed files) or an object (rows, snapshot records)."""
    return record.get if isinstance(record, dict) else lambda name: getattr(record, name)


def rules_of(treaty: Any) -> TreatyRules:
    get = _getter(treaty)
    return TreatyRules(get("entry_into_force"), get("consent_delay_months"), get("withdrawal_delay_months"))


def to_act(action: Any) -> Act:
    get = _getter(action)
    return Act(get("id"), get("kind"), get("date"), get("effective"), get("armed_conflict_hold"), get("conflict_ended"))


@dataclass(frozen=True)
class Transition:
    """From `start` on, the state has `status`, because of act `act_id` (no start and no act:
    the state never acted)."""
    status: str
    start: date | None
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
        if in_force is None:  # the seed checks require a succession's effective date
            raise ValueError(f"{act.id}: a succession needs the date it took effect")
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


@dataclass(frozen=True)
class Existence:
    """When a state existed: from `start` (None: before any date the data covers) to `end`, its
    last day (None: it still exists)."""
    start: date | None = None
    end: Day | None = None


ALWAYS = Existence()


def existence_of(state: Any) -> Existence:
    """A state's Existence, from a seed record (dict) or a row; a snapshot made before states
    carried the dates reads as always existing."""
    if isinstance(state, dict):
        return Existence(state.get("exists_from"), state.get("exists_until"))
    return Existence(getattr(state, "exists_from", None), getattr(state, "exists_until", None))


def change_days(acts: list[Act], rules: TreatyRules, existence: Existence = ALWAYS) -> list[date]:
    """Every day on which what is known of a state's acts can change, in order: each act's date,
    the day the articles (or the depositary) give for it to take effect, the end of an armed
    conflict holding a withdrawal back, each transition, and the first day the state existed and
    the day after its last. Between two of these days the status, its cause and the acts dated so
    far are the same on every day."""
    days = {t.start for t in transitions(acts, rules) if t.start is not None}
    for act in acts:  # (a withdrawal held back takes effect on the later of two of these days)
        candidates = (act.date, act.effective, expected_effective(act, rules), act.conflict_ended)
        days.update(day for day in candidates if day is not None)
    if existence.start is not None:
        days.add(existence.start)
    if existence.end is not None:
        days.add(existence.end + timedelta(days=1))
    return sorted(days)


def status_on(timeline: list[Transition], on: date, existence: Existence = ALWAYS) -> Transition:
    """The transition in force on `on` (a not_signatory one with no start if none); not_a_state
    before the state existed (no start) or after it ceased (from the day after its last)."""
    if existence.start is not None and on < existence.start:
        return Transition(NOT_A_STATE, None, None)
    if existence.end is not None and on > existence.end:
        return Transition(NOT_A_STATE, existence.end + timedelta(days=1), None)
    current = Transition(NOT_SIGNATORY, None, None)
    for transition in timeline:
        if transition.start is None or transition.start > on:
            break
        current = transition
    return current


# Articles 4 and 5: obligations with a deadline counted from entry into force for the state.
STOCKPILE_DESTRUCTION, MINE_CLEARANCE = 4, 5
OBLIGATION_MONTHS = {STOCKPILE_DESTRUCTION: 48, MINE_CLEARANCE: 120}

NO_OBLIGATION, OBLIGATION_REPORTED = "no_obligation", "obligation_reported"
EXTENSION_REQUESTED, EXTENSION_GRANTED = "extension_requested", "extension_granted"
COMPLETED, DEADLINE_MISSED = "completed", "deadline_missed"
OBLIGATION_KINDS = (NO_OBLIGATION, OBLIGATION_REPORTED, EXTENSION_REQUESTED, EXTENSION_GRANTED, COMPLETED,
                    DEADLINE_MISSED)
DEADLINE_KINDS = frozenset({EXTENSION_REQUESTED, EXTENSION_GRANTED})
# Events of the same day are read in this order: a report, a request, a missed deadline, an
# extension that decides the request or remedies the miss, then a completion.
SAME_DAY_ORDER = (NO_OBLIGATION, OBLIGATION_REPORTED, EXTENSION_REQUESTED, DEADLINE_MISSED, EXTENSION_GRANTED,
                  COMPLETED)
CLOSES_REQUEST = frozenset({EXTENSION_GRANTED, COMPLETED})
OPEN_KINDS = frozenset({OBLIGATION_REPORTED, EXTENSION_GRANTED})

UNKNOWN, IN_PROGRESS = "unknown", "in_progress"
# The deadline in force has passed and the data records neither completion nor an extension.
# Not a finding of non-compliance: that is `deadline_missed`, which only a source can state.
DEADLINE_PASSED = "deadline_passed"
OBLIGATION_STATUSES = (UNKNOWN, NO_OBLIGATION, IN_PROGRESS, COMPLETED, DEADLINE_PASSED, DEADLINE_MISSED)


@dataclass(frozen=True)
class ObligationFact:
    """One dated (or undated) fact about a state's Article 4 or 5 obligation; `deadline` is
    the one an extension_granted sets, or an extension_requested asks for."""
    id: str
    kind: str
    date: date | None
    deadline: Day | None = None


@dataclass(frozen=True)
class ObligationState:
    """An obligation on one date: status, deadline in force, when it was completed (None when not,
    or re-opened), the event that decided the status, and the request not yet decided, if any."""
    status: str
    deadline: date | None
    completed: date | None
    decided_by: str | None
    pending_request: ObligationFact | None = None


def original_deadline(in_force: date, article: int) -> date:
    """Article 4: four years, Article 5: ten years after entry into force for the state."""
    return add_months(in_force, OBLIGATION_MONTHS[article])


def _events_until(events: list[ObligationFact], on: date) -> list[ObligationFact]:
    """The dated events up to `on`, in date order (undated events decide nothing)."""
    dated = [e for e in events if e.date is not None and e.date <= on]
    return sorted(dated, key=lambda e: (e.date, SAME_DAY_ORDER.index(e.kind)))


def obligation_on(original: date, events: list[ObligationFact], on: date) -> ObligationState:
    """The obligation on `on`, given its original deadline and the state's events for it.

    The latest dated event up to `on` decides the status. A report, or a "no obligation"
    statement, dated after a completion changes nothing (states report stockpiles they have
    already destroyed, and say they have no mined areas once cleared); an extension, or a
    source saying the deadline was missed, re-opens a completed obligation (new mined areas or
    stocks found later). A request decides nothing: it is pending until an extension or a completion."""
    deadline: date | None = original
    completed: date | None = None
    deciding: ObligationFact | None = None
    pending: ObligationFact | None = None
    for event in _events_until(events, on):
        if event.kind == EXTENSION_REQUESTED:
            pending = event
            continue
        if event.kind in CLOSES_REQUEST:
            pending = None
        if event.kind in (OBLIGATION_REPORTED, NO_OBLIGATION) and completed is not None:
            continue  # a later report, or "no mined areas" after clearing them, confirms the completion
        if event.kind == EXTENSION_GRANTED:
            deadline, completed = event.deadline, None
        elif event.kind == DEADLINE_MISSED:  # stocks found after a completion, say
            completed = None
        elif event.kind == COMPLETED:
            completed = event.date
        deciding = event
    if deciding is None:
        return ObligationState(UNKNOWN, deadline, None, None, pending)
    return ObligationState(_status_after(deciding.kind, deadline, on), deadline, completed, deciding.id, pending)


def _status_after(kind: str, deadline: date | None, on: date) -> str:
    if kind in OPEN_KINDS:
        if deadline is None:  # an extension whose new deadline no source gives
            return UNKNOWN
        return IN_PROGRESS if deadline >= on else DEADLINE_PASSED
    return kind  # no_obligation, completed and deadline_missed are statuses of their own
