"""Validation of dataset records: one code path for seed files (and any future writer).

Each schema loads one record as a plain dict whose keys are the model's attributes,
plus `sources`, a list of source ids.
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.rules.status import (
    ACTION_KINDS,
    DEADLINE_KINDS,
    EXTENSION_GRANTED,
    MINE_BAN_TREATY,
    MINE_CLEARANCE,
    OBLIGATION_KINDS,
    OBLIGATION_MONTHS,
    WITHDRAWAL,
)
from api.rules.vocabulary import CONFIDENCE, DIMENSIONS, POSITIONS, PRECISION

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9._-]*$", error="Must be a lowercase slug (a-z, 0-9, '.', '_', '-').")
ISO2 = validate.Regexp(r"^[A-Z]{2}$", error="Must be an ISO 3166-1 alpha-2 code in capitals.")


def text(max=1000, validate_also=None, **kwargs):
    """A required-looking string of 1 to `max` characters (plus any other validator)."""
    checks = [validate.Length(min=1, max=max)] + ([validate_also] if validate_also else [])
    return fields.String(validate=checks, **kwargs)


def optional_text(max_length=5000):
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=max_length))


class Cited(Schema):
    confidence = fields.String(required=True, validate=validate.OneOf(CONFIDENCE))
    sources = fields.List(fields.String(validate=SLUG), required=True,
                          validate=validate.Length(min=1, error="Cite at least one source."))


class SourceIn(Schema):
    id = text(required=True, validate_also=SLUG, max=80)
    url = fields.Url(required=True, schemes={"http", "https"})
    title = text(required=True, max=500)
    publisher = text(required=True, max=200)
    published = fields.Date(required=True, allow_none=True)
    accessed = fields.Date(required=True)


class TreatyIn(Cited):
    slug = text(required=True, validate_also=SLUG, max=20)
    name = text(required=True, max=300)
    short_name = text(required=True, max=100)
    aliases = fields.List(fields.String(), load_default=list)
    adopted = fields.Date(required=True)
    adopted_at = text(required=True, max=100)
    opened_for_signature = fields.Date(required=True)
    entry_into_force = fields.Date(required=True)
    consent_delay_months = fields.Integer(required=True, validate=validate.Range(0, 60))
    withdrawal_delay_months = fields.Integer(required=True, validate=validate.Range(0, 60))
    depositary = text(required=True, max=200)
    untc_reference = optional_text(40)


class StateIn(Cited):
    iso2 = fields.String(required=True, validate=ISO2)
    iso3 = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    numeric = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{3}$"))
    cow_code = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 999))
    gw_code = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 999))
    name = text(required=True, max=200)
    official_name = text(required=True, max=300)
    aliases = fields.List(text(max=200), load_default=list)
    region = text(required=True, max=40)
    subregion = text(required=True, max=60)
    intermediate_region = optional_text(60)
    un_member = fields.Boolean(required=True)
    exists_from = fields.Date(load_default=None, allow_none=True)
    exists_until = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def check_existence(self, data, **kwargs):
        if None not in (data["exists_from"], data["exists_until"]) and data["exists_until"] < data["exists_from"]:
            raise ValidationError("A state cannot cease before it came to exist.", "exists_until")


class TreatyActionIn(Cited):
    id = text(required=True, validate_also=SLUG, max=80)
    state = fields.String(required=True, validate=ISO2, data_key="state", attribute="state_iso2")
    treaty = fields.String(load_default=MINE_BAN_TREATY, attribute="treaty_slug")
    kind = fields.String(required=True, validate=validate.OneOf(ACTION_KINDS))
    date = fields.Date(required=True, allow_none=True)
    date_precision = fields.String(load_default="day", validate=validate.OneOf(PRECISION))
    effective = fields.Date(load_default=None, allow_none=True)
    depositary_ref = optional_text(80)
    armed_conflict_hold = fields.Boolean(load_default=False)
    conflict_ended = fields.Date(load_default=None, allow_none=True)
    dispute = optional_text()
    quote = optional_text(2000)
    notes = optional_text()
    curator_notes = optional_text()  # curators' working notes: stored, never published

    @validates_schema
    def check_dates(self, data, **kwargs):
        if data["date"] is None and not data.get("notes"):
            raise ValidationError("An unknown date needs a note saying what is unknown.", "notes")
        if data["armed_conflict_hold"] and data["kind"] != WITHDRAWAL:
            raise ValidationError("Only a withdrawal can be held by Article 20(3).", "armed_conflict_hold")
        if data["conflict_ended"] and not data["armed_conflict_hold"]:
            raise ValidationError("conflict_ended needs armed_conflict_hold: true.", "conflict_ended")


class PolicyPositionIn(Cited):
    id = text(required=True, validate_also=SLUG, max=80)
    state = fields.String(required=True, validate=ISO2, attribute="state_iso2")
    dimension = fields.String(required=True, validate=validate.OneOf(DIMENSIONS))
    position = fields.String(required=True, validate=validate.OneOf(POSITIONS))
    restriction = optional_text()
    summary = text(required=True, max=2000)
    effective = fields.Date(required=True)
    date_precision = fields.String(load_default="day", validate=validate.OneOf(PRECISION))
    announced_by = optional_text(300)
    quote = optional_text(2000)
    notes = optional_text()
    curator_notes = optional_text()  # curators' working notes: stored, never published


class ObligationEventIn(Cited):
    """A fact about a state's Article 4 (stockpile destruction) or 5 (mine clearance) obligation."""
    id = text(required=True, validate_also=SLUG, max=80)
    state = fields.String(required=True, validate=ISO2, attribute="state_iso2")
    article = fields.Integer(required=True, strict=True, validate=validate.OneOf(tuple(OBLIGATION_MONTHS)))
    kind = fields.String(required=True, validate=validate.OneOf(OBLIGATION_KINDS))
    date = fields.Date(required=True, allow_none=True)
    date_precision = fields.String(load_default="day", validate=validate.OneOf(PRECISION))
    deadline = fields.Date(load_default=None, allow_none=True)
    quote = optional_text(2000)
    notes = optional_text()
    curator_notes = optional_text()  # curators' working notes: stored, never published

    @validates_schema
    def check_kind(self, data, **kwargs):
        if data["date"] is None and not data.get("notes"):
            raise ValidationError("An unknown date needs a note saying what is unknown.", "notes")
        extension = data["kind"] == EXTENSION_GRANTED
        if data["kind"] in DEADLINE_KINDS and data["article"] != MINE_CLEARANCE:
            raise ValidationError("Only an Article 5 deadline can be extended.", "kind")
        if extension and data["deadline"] is None and not data.get("notes"):
            raise ValidationError("An extension_granted needs the new deadline, or a note saying it is unknown.",
                                  "deadline")
        if data["kind"] not in DEADLINE_KINDS and data["deadline"] is not None:
            raise ValidationError("Only an extension_granted or extension_requested sets a deadline.", "deadline")
        if extension and None not in (data["date"], data["deadline"]) and data["deadline"] <= data["date"]:
            raise ValidationError("The new deadline must be after the decision date.", "deadline")
        if not extension and None not in (data["date"], data["deadline"]) and data["deadline"] <= data["date"]:
            raise ValidationError("The deadline requested must be after the request.", "deadline")


class ProducerListIn(Cited):
    """One report's list of the states it considers producers (or potential producers) of
    anti-personnel mines; `complete: false` when only part of the list could be read."""
    id = text(required=True, validate_also=SLUG, max=80)
    report = text(required=True, max=200)
    published = fields.Date(required=True)
    date_precision = fields.String(load_default="day", validate=validate.OneOf(PRECISION))
    stated_count = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 200))
    states = fields.List(fields.String(validate=ISO2), required=True)
    complete = fields.Boolean(required=True)
    quote = optional_text(2000)
    notes = optional_text()
    curator_notes = optional_text()  # curators' working notes: stored, never published

    @validates_schema
    def check_list(self, data, **kwargs):
        states, count = data["states"], data["stated_count"]
        if len(set(states)) != len(states):
            raise ValidationError("A state is listed twice.", "states")
        if data["complete"] and count is not None and count != len(states):
            raise ValidationError(f"The report lists {count} states, {len(states)} are given: a complete "
                                  "list names them all.", "states")
        if not data["complete"] and not data.get("notes"):
            raise ValidationError("A partial list needs a note saying what could not be read.", "notes")


class CorrectionIn(Schema):
    """A correction: the fields to change (seed-file names) and why."""
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    changes = fields.Dict(keys=fields.String(), required=True,
                          validate=validate.Length(min=1, error="Name at least one field to change."))
