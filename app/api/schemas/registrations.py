"""Schemas of registrations: the caller's own, an edition's for its organisers, check-in."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Computed, LocalDateTimeOut, PageArgs, Text, enum_field
from app.models import RegistrationStatus
from app.registrations.queries import waiting_position

REGISTRATION_SORTS = (
    "name",
    "-name",
    "created_at",
    "-created_at",
    "checked_in_at",
    "-checked_in_at",
    "updated_at",
    "-updated_at",
)


class RegistrationFormSchema(Schema):
    """What registering for an edition takes: whether it is open, until when, what it asks."""

    is_open = fields.Boolean(required=True)
    closes_local = LocalDateTimeOut(allow_none=True)
    timezone = fields.String(required=True)
    questions = fields.List(fields.String(), required=True)


class MyRegistrationSchema(Schema):
    """The caller's registration, with the ticket code their QR code carries."""

    id = fields.Integer(required=True)
    edition = Computed(lambda r: r.edition.slug, required=True)
    status = enum_field(RegistrationStatus, required=True)
    full_name = fields.String(required=True)
    organisation_name = fields.String(required=True)
    role = fields.String(required=True)
    answers = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    ticket_code = fields.String(required=True)
    waiting_position = fields.Function(
        waiting_position,
        allow_none=True,
        metadata={"type": "integer", "description": "1 for the next to get a place."},
    )
    created_at = fields.AwareDateTime(required=True)
    checked_in_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime(required=True)


class RegistrationSchema(Schema):
    """A registration as the edition's organisers see it (the ticket code stays secret)."""

    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    email = Computed(lambda r: r.user.email, required=True)
    full_name = Computed(lambda r: r.name, required=True)
    organisation_name = fields.String(required=True)
    role = fields.String(required=True)
    status = enum_field(RegistrationStatus, required=True)
    answers = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)
    waitlisted_at = fields.AwareDateTime(allow_none=True)
    promoted_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)
    checked_in_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime(required=True)


class RegistrationInput(Schema):
    full_name = Text(200, required=True, min_length=1)
    organisation_name = Text(200, load_default="")
    role = Text(120, load_default="")
    answers = fields.Dict(
        keys=Text(200, min_length=1),
        values=Text(500),
        load_default=dict,
        validate=validate.Length(max=10),
        metadata={"description": "Answers by question, among the edition's questions."},
    )


class RegistrationListArgs(PageArgs):
    status = enum_field(RegistrationStatus)
    checked_in = fields.Boolean(metadata={"description": "Only those checked in (or not)."})
    q = Text(100, metadata={"description": "A piece of the name, email or organisation."})
    sort = fields.String(load_default="name", validate=validate.OneOf(REGISTRATION_SORTS))


class CheckInInput(Schema):
    code = Text(64, required=True, min_length=1, metadata={"description": "The ticket's code."})
