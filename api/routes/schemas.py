"""Schemas by direction: *Query for arguments in, *Out for responses."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.routes.listing import ListQuery
from api.write.record_schemas import DIMENSIONS
from api.rules.status import STATUSES

DATE_HELP = "Not a valid date; use YYYY-MM-DD, for example 2021-04-06."
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")


class BaseQuery(Schema):
    """Arguments every read endpoint accepts."""
    dataset_version = fields.String(validate=validate.Length(min=1, max=40))


class AsOfQuery(BaseQuery):
    as_of = fields.Date(load_default=date.today, error_messages={"invalid": DATE_HELP})


class StatusQuery(AsOfQuery):
    treaty = fields.String(load_default="apmbc", validate=validate.Length(max=20))


class CountryListQuery(StatusQuery, ListQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    region = fields.String(validate=validate.OneOf(REGIONS))
    q = fields.String(validate=validate.Length(min=1, max=100))


class PoliciesQuery(AsOfQuery, ListQuery):
    dimension = fields.String(validate=validate.OneOf(DIMENSIONS))


class ParticipantsQuery(AsOfQuery, ListQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))


class DiffQuery(BaseQuery):
    from_ = fields.Date(required=True, data_key="from", error_messages={"invalid": DATE_HELP})
    to = fields.Date(required=True, error_messages={"invalid": DATE_HELP})

    @validates_schema
    def check_order(self, data, **kwargs):
        if data["from_"] > data["to"]:
            raise ValidationError("Must not be after `to`.", "from")


class EmptyQuery(BaseQuery):
    pass


class PagedQuery(BaseQuery, ListQuery):
    pass


class SourceOut(Schema):
    id = fields.String()
    url = fields.String()
    title = fields.String()
    publisher = fields.String()
    published = fields.Date(allow_none=True)
    accessed = fields.Date()


class CitedOut(Schema):
    confidence = fields.String()
    sources = fields.List(fields.Nested(SourceOut))


class TreatyActionOut(CitedOut):
    id = fields.String()
    state = fields.String(attribute="state_iso2")
    treaty = fields.String(attribute="treaty_slug")
    kind = fields.String()
    date = fields.Date(allow_none=True)
    date_precision = fields.String()
    effective = fields.Date(allow_none=True)
    depositary_ref = fields.String(allow_none=True)
    armed_conflict_hold = fields.Boolean()
    conflict_ended = fields.Date(allow_none=True)
    dispute = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class PolicyPositionOut(CitedOut):
    id = fields.String()
    state = fields.String(attribute="state_iso2")
    dimension = fields.String()
    position = fields.String()
    restriction = fields.String(allow_none=True)
    summary = fields.String()
    effective = fields.Date()
    date_precision = fields.String()
    announced_by = fields.String(allow_none=True)
    quote = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class PositionInForceOut(PolicyPositionOut):
    """A position in force: the position, what it replaced, and when (as known today) it ended."""
    replaces = fields.Function(lambda e: e.replaces and {"id": e.replaces.id, "position": e.replaces.position,
                                                          "effective": e.replaces.effective.isoformat()})
    ended = fields.Date(allow_none=True)

    def get_attribute(self, obj, attr, default):
        source = obj if attr in ("replaces", "ended") else obj.position
        return super().get_attribute(source, attr, default)


class ObligationEventOut(CitedOut):
    id = fields.String()
    state = fields.String(attribute="state_iso2")
    article = fields.Integer()
    kind = fields.String()
    date = fields.Date(allow_none=True)
    date_precision = fields.String()
    deadline = fields.Date(allow_none=True)
    quote = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class ObligationOut(Schema):
    """One article's obligation on a date: deadlines, status, completion and the events known."""
    article = fields.Integer()
    original_deadline = fields.Date()
    deadline = fields.Date(allow_none=True)
    status = fields.String()
    completed = fields.Date(allow_none=True)
    decided_by = fields.String(allow_none=True)
    events = fields.List(fields.Nested(ObligationEventOut))

    def get_attribute(self, obj, attr, default):
        source = obj.state if attr in ("deadline", "status", "completed", "decided_by") else obj
        return super().get_attribute(source, attr, default)


class StateOut(CitedOut):
    iso2 = fields.String()
    iso3 = fields.String()
    numeric = fields.String()
    name = fields.String()
    official_name = fields.String()
    aliases = fields.List(fields.String())
    region = fields.String()
    subregion = fields.String()
    intermediate_region = fields.String(allow_none=True)
    un_member = fields.Boolean()


class TreatyOut(CitedOut):
    slug = fields.String()
    name = fields.String()
    short_name = fields.String()
    aliases = fields.List(fields.String())
    adopted = fields.Date()
    adopted_at = fields.String()
    opened_for_signature = fields.Date()
    entry_into_force = fields.Date()
    depositary = fields.String()
    untc_reference = fields.String(allow_none=True)


class CorrectionIn(Schema):
    """A correction: the fields to change (seed-file names) and why."""
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    changes = fields.Dict(keys=fields.String(), required=True,
                          validate=validate.Length(min=1, error="Name at least one field to change."))
