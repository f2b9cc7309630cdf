"""Schemas of agreement writes: an agreement with its parties, its status, its commitments
and their progress."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.api.schemas import Amount, Day, Id, Text, enum_field
from app.models import AgreementKind, AgreementStatus
from app.timezones import is_valid_zone

AMOUNT = {"description": 'A number ≥ 0 (as a JSON number or a string such as "12.5").'}


class PartyInput(Schema):
    organisation_id = Id(required=True)
    role = Text(120, load_default="")
    signatory_name = Text(200, load_default="")
    signatory_title = Text(200, load_default="")
    signed_on = Day(allow_none=True, load_default=None)


class AgreementInput(Schema):
    kind = enum_field(AgreementKind, required=True)
    title = Text(300, required=True, min_length=1)
    summary = Text(20_000, load_default="")
    sponsorship_tier = Text(40, allow_none=True, load_default=None)
    edition = Text(
        80,
        allow_none=True,
        load_default=None,
        metadata={"description": "The slug of an edition the caller organises."},
    )
    signing_session_id = Id(allow_none=True, load_default=None)
    timezone = Text(64, load_default="UTC")
    effective_date = Day(allow_none=True, load_default=None)
    expiry_date = Day(allow_none=True, load_default=None)
    is_public = fields.Boolean(load_default=False)
    parties = fields.List(
        fields.Nested(PartyInput),
        required=True,
        validate=validate.Length(2, 30),
        metadata={"description": "Two or more organisations with their signatories."},
    )

    @validates_schema
    def _zone(self, data, **_kwargs):
        if "timezone" in data and not is_valid_zone(data["timezone"]):
            raise ValidationError("Unknown time zone. Choose one such as Europe/Paris.", "timezone")


class AgreementPatch(AgreementInput):
    """Any of an agreement's fields; those left out (parties too) keep their value."""


class StatusInput(Schema):
    status = enum_field(AgreementStatus, required=True)
    note = Text(2_000, load_default="")


class CommitmentInput(Schema):
    title = Text(300, required=True, min_length=1)
    owner = Text(200, load_default="")
    party_id = Id(allow_none=True, load_default=None)
    start_date = Day(allow_none=True, load_default=None)
    due_date = Day(required=True)
    unit = Text(60, load_default="")
    target_value = fields.Decimal(required=True, metadata=AMOUNT)


class CommitmentPatch(CommitmentInput):
    """Any of a commitment's fields; those left out keep their value."""


class ProgressInput(Schema):
    value = fields.Decimal(required=True, metadata=AMOUNT)
    recorded_on = Day(required=True)
    note = Text(2_000, load_default="")


class ProgressSchema(Schema):
    id = fields.Integer(required=True)
    commitment_id = fields.Integer(required=True)
    recorded_on = fields.Date(required=True)
    value = Amount(required=True)
    note = fields.String(required=True)
