"""Arguments in: one *Query schema per kind of read (responses are api.read.representations)."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.problems import DATE_HELP
from api.read.clock import today
from api.routes.csv_lists import FormatQuery
from api.routes.listing import ListQuery
from api.rules.status import MINE_BAN_TREATY, STATUSES
from api.write.record_schemas import DIMENSIONS

REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class QueryDate(fields.Date):
    """A date parameter: exactly YYYY-MM-DD (marshmallow alone also takes 20210406 and 2021-W14-2)."""
    default_error_messages = {"invalid": DATE_HELP}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class BaseQuery(Schema):
    """Arguments every read endpoint accepts."""
    dataset_version = fields.String(validate=validate.Length(min=1, max=40))


class AsOfQuery(BaseQuery):
    as_of = QueryDate(load_default=today)


class StatusQuery(AsOfQuery):
    treaty = fields.String(load_default=MINE_BAN_TREATY, validate=validate.Length(max=20))


class CountryListQuery(StatusQuery, ListQuery, FormatQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    region = fields.String(validate=validate.OneOf(REGIONS))
    q = fields.String(validate=validate.Length(min=1, max=100))


class PoliciesQuery(AsOfQuery, ListQuery, FormatQuery):
    dimension = fields.String(validate=validate.OneOf(DIMENSIONS))


class ParticipantsQuery(AsOfQuery, ListQuery, FormatQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))


class DiffQuery(BaseQuery):
    from_ = QueryDate(required=True, data_key="from")
    to = QueryDate(required=True)

    @validates_schema
    def check_order(self, data, **kwargs):
        if data["from_"] > data["to"]:
            raise ValidationError("Must not be after `to`.", "from")


class ProducersQuery(BaseQuery):
    year = fields.Integer(strict=False, validate=validate.Range(1997, 2100, error="Must be a year from 1997 to "
                                                                               "2100, for example 2014."))


class EmptyQuery(BaseQuery):
    pass


class PagedQuery(BaseQuery, ListQuery):
    pass
