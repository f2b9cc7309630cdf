"""Schemas of thinklab writes: a thinklab's details, and its meetings skipped or moved."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.api.schemas import Id, LocalDateTime, LocalDateTimeOut, Text, enum_field
from app.models import MeetingMode

SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ThinklabInput(Schema):
    slug = Text(80, required=True, min_length=1, validate=SLUG)
    name = Text(200, required=True, min_length=1)
    description = Text(20_000, load_default="")
    edition = Text(
        80,
        allow_none=True,
        load_default=None,
        metadata={"description": "The slug of an edition the caller organises."},
    )
    agreement_id = Id(allow_none=True, load_default=None)
    timezone = Text(64, required=True, min_length=1)
    first_meeting_local = LocalDateTime(allow_none=True, load_default=None)
    meeting_minutes = fields.Integer(
        strict=True, load_default=120, validate=validate.Range(5, 1440)
    )
    rrule = Text(500, load_default="", metadata={"description": "An RFC 5545 RRULE."})
    meeting_mode = enum_field(MeetingMode, load_default=MeetingMode.ONLINE)
    venue_id = Id(allow_none=True, load_default=None)
    location = Text(300, load_default="")
    online_url = fields.URL(
        allow_none=True,
        load_default=None,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
    )


class ThinklabPatch(ThinklabInput):
    """Any of a thinklab's fields; those left out keep their value (used with partial=True)."""


class SkipInput(Schema):
    original_local = LocalDateTime(required=True)
    note = Text(300, load_default="")


class MoveInput(SkipInput):
    starts_local = LocalDateTime(required=True)
    ends_local = LocalDateTime(required=True)
    meeting_mode = enum_field(MeetingMode, allow_none=True, load_default=None)
    venue_id = Id(allow_none=True, load_default=None)

    @validates_schema
    def _order(self, data, **_kwargs):
        starts, ends = data.get("starts_local"), data.get("ends_local")
        if starts and ends and ends <= starts:
            raise ValidationError("The end must be after the start.", "ends_local")


class MeetingChangeSchema(Schema):
    id = fields.Integer(required=True)
    original_local = LocalDateTimeOut(required=True)
    is_cancelled = fields.Boolean(required=True)
    starts_local = LocalDateTimeOut(allow_none=True)
    ends_local = LocalDateTimeOut(allow_none=True)
    timezone = fields.String(required=True)
    meeting_mode = enum_field(MeetingMode, allow_none=True)
    venue_id = fields.Integer(allow_none=True)
    note = fields.String(required=True)
