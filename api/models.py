"""The data model: treaties, states, treaty actions, policy positions, Article 4 and 5
obligation events, monitors' producer lists, and their sources.

Status is never stored: it is derived from treaty actions by api.rules.status.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.extensions import Model, db

Day = date  # for fields after one named `date`, which shadows the type inside its class


def _citations(name: str, key: str) -> sa.Table:
    """A many-to-many table linking one kind of record to the sources it cites."""
    return sa.Table(
        name, db.metadata,
        sa.Column("record_id", sa.ForeignKey(key, ondelete="CASCADE"), primary_key=True),
        sa.Column("source_id", sa.ForeignKey("source.id"), primary_key=True),
    )


treaty_sources = _citations("treaty_source", "treaty.slug")
state_sources = _citations("state_source", "state.iso2")
action_sources = _citations("treaty_action_source", "treaty_action.id")
policy_sources = _citations("policy_position_source", "policy_position.id")
obligation_sources = _citations("obligation_event_source", "obligation_event.id")
producer_list_sources = _citations("producer_list_source", "producer_list.id")


class Source(Model):
    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(1000))
    title: Mapped[str] = mapped_column(sa.String(500))
    publisher: Mapped[str] = mapped_column(sa.String(200))
    published: Mapped[date | None]
    accessed: Mapped[date]


class Treaty(Model):
    slug: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    short_name: Mapped[str] = mapped_column(sa.String(100))
    aliases: Mapped[list] = mapped_column(sa.JSON, default=list)
    adopted: Mapped[date]
    adopted_at: Mapped[str] = mapped_column(sa.String(100))
    opened_for_signature: Mapped[date]
    entry_into_force: Mapped[date]
    consent_delay_months: Mapped[int]
    withdrawal_delay_months: Mapped[int]
    depositary: Mapped[str] = mapped_column(sa.String(200))
    untc_reference: Mapped[str | None] = mapped_column(sa.String(40))
    confidence: Mapped[str] = mapped_column(sa.String(30))
    sources: Mapped[list[Source]] = relationship(secondary=treaty_sources, order_by=Source.id)


class State(Model):
    iso2: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    iso3: Mapped[str] = mapped_column(sa.String(3), unique=True)
    numeric: Mapped[str] = mapped_column(sa.String(3), unique=True)
    cow_code: Mapped[int | None]  # Correlates of War state number (null: none, or not known)
    gw_code: Mapped[int | None]   # Gleditsch-Ward state number (null: none, or not known)
    name: Mapped[str] = mapped_column(sa.String(200))
    official_name: Mapped[str] = mapped_column(sa.String(300))
    aliases: Mapped[list] = mapped_column(sa.JSON, default=list)
    region: Mapped[str] = mapped_column(sa.String(40), index=True)
    subregion: Mapped[str] = mapped_column(sa.String(60))
    intermediate_region: Mapped[str | None] = mapped_column(sa.String(60))
    un_member: Mapped[bool]
    exists_from: Mapped[date | None]  # first day as a state; before it the state is not_a_state
    exists_until: Mapped[date | None]  # last day as a state, for a state that ceased
    search_text: Mapped[str] = mapped_column(sa.Text)  # folded names and aliases, for `q`
    confidence: Mapped[str] = mapped_column(sa.String(30))
    sources: Mapped[list[Source]] = relationship(secondary=state_sources, order_by=Source.id)


class TreatyAction(Model):
    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    state_iso2: Mapped[str] = mapped_column(sa.ForeignKey("state.iso2"), index=True)
    treaty_slug: Mapped[str] = mapped_column(sa.ForeignKey("treaty.slug"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    date: Mapped[date | None]
    date_precision: Mapped[str] = mapped_column(sa.String(5), default="day")
    effective: Mapped[Day | None]
    depositary_ref: Mapped[str | None] = mapped_column(sa.String(80))
    armed_conflict_hold: Mapped[bool] = mapped_column(default=False)
    conflict_ended: Mapped[Day | None]
    dispute: Mapped[str | None] = mapped_column(sa.Text)
    quote: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    curator_notes: Mapped[str | None] = mapped_column(sa.Text)  # internal: never in a snapshot or a public answer
    confidence: Mapped[str] = mapped_column(sa.String(30))
    sources: Mapped[list[Source]] = relationship(secondary=action_sources, order_by=Source.id)
    state: Mapped[State] = relationship()


class PolicyPosition(Model):
    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    state_iso2: Mapped[str] = mapped_column(sa.ForeignKey("state.iso2"), index=True)
    dimension: Mapped[str] = mapped_column(sa.String(30))
    position: Mapped[str] = mapped_column(sa.String(40))
    restriction: Mapped[str | None] = mapped_column(sa.Text)
    summary: Mapped[str] = mapped_column(sa.Text)
    effective: Mapped[date]
    date_precision: Mapped[str] = mapped_column(sa.String(5), default="day")
    announced_by: Mapped[str | None] = mapped_column(sa.String(300))
    quote: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    curator_notes: Mapped[str | None] = mapped_column(sa.Text)  # internal: never in a snapshot or a public answer
    confidence: Mapped[str] = mapped_column(sa.String(30))
    sources: Mapped[list[Source]] = relationship(secondary=policy_sources, order_by=Source.id)
    state: Mapped[State] = relationship()


class ObligationEvent(Model):
    """A dated fact about a state's Article 4 or 5 obligation; deadlines are derived by api.rules.status."""
    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    state_iso2: Mapped[str] = mapped_column(sa.ForeignKey("state.iso2"), index=True)
    article: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(30))
    date: Mapped[date | None]
    date_precision: Mapped[str] = mapped_column(sa.String(5), default="day")
    # extension_granted: the new Article 5 deadline; extension_requested: the one asked for
    deadline: Mapped[Day | None]
    quote: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    curator_notes: Mapped[str | None] = mapped_column(sa.Text)  # internal: never in a snapshot or a public answer
    confidence: Mapped[str] = mapped_column(sa.String(30))
    sources: Mapped[list[Source]] = relationship(secondary=obligation_sources, order_by=Source.id)
    state: Mapped[State] = relationship()


class ProducerList(Model):
    """One published list of the states a monitor considers producers (or potential producers) of
    anti-personnel mines, as one report gives it; api.read.queries answers "who, in year Y" from them."""
    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    report: Mapped[str] = mapped_column(sa.String(200))
    published: Mapped[date]
    date_precision: Mapped[str] = mapped_column(sa.String(5), default="day")
    stated_count: Mapped[int | None]  # how many states the report says it lists (null: it gives no number)
    states: Mapped[list] = mapped_column(sa.JSON, default=list)  # alpha-2 codes of the states read in it
    complete: Mapped[bool]  # every state the report lists was read (else `states` is the part that was)
    quote: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    curator_notes: Mapped[str | None] = mapped_column(sa.Text)  # internal: never in a snapshot or a public answer
    confidence: Mapped[str] = mapped_column(sa.String(30))
    sources: Mapped[list[Source]] = relationship(secondary=producer_list_sources, order_by=Source.id)


class DatasetVersion(Model):
    """One published version of the data: a snapshot of every table and what changed."""
    version: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    # publication order, assigned under the write lock: the newest version is the highest number,
    # whatever the clocks of the machines that wrote them say
    sequence: Mapped[int] = mapped_column(unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    loaded_at: Mapped[datetime] = mapped_column(index=True)
    previous: Mapped[str | None] = mapped_column(sa.String(40))
    changes: Mapped[list] = mapped_column(sa.JSON, default=list)
    # zlib-compressed JSON of every table; when `snapshot_base` is set, only of the records written
    # since that version's full snapshot (a curator's write stores what it changed, not every table)
    snapshot: Mapped[bytes] = mapped_column(sa.LargeBinary)
    snapshot_base: Mapped[str | None] = mapped_column(sa.String(40))
    # per table, the sum of its records' hashes (api/write/versions.py: content_sums), so that a
    # curator's write can hash the new content from the previous sums and the records it changed
    content_sums: Mapped[dict | None] = mapped_column(sa.JSON)


class RecordRevision(Model):
    """One revision of one record, appended for every change (seed or API); never updated."""
    __table_args__ = (sa.UniqueConstraint("table_name", "record_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(sa.String(30))
    record_id: Mapped[str] = mapped_column(sa.String(80))
    revision: Mapped[int]
    record: Mapped[dict | None] = mapped_column(sa.JSON)  # the record in seed-file form; null once removed
    author: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    supersedes: Mapped[int | None]
    dataset_version: Mapped[str | None] = mapped_column(sa.String(40))


class Token(Model):
    """An API token: only the SHA-256 of the secret is stored."""
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    scope: Mapped[str] = mapped_column(sa.String(20))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class IdempotentRequest(Model):
    """The first answer to a POST with an Idempotency-Key, replayed to retries."""
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("token.id"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int]
    body: Mapped[dict] = mapped_column(sa.JSON)
    headers: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime]


class WriteLock(Model):
    """One row: every write updates it first, so writes (and version names) are serialized."""
    id: Mapped[int] = mapped_column(primary_key=True)
    writes: Mapped[int] = mapped_column(default=0)
