"""Forms of the organiser pages of agreements."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import LONG_TEXT, AgoraForm, ZoneField, clean_text, optional_int
from app.models import AgreementKind, AgreementStatus
from app.timezones import is_valid_zone


def validate_zone(form, field) -> None:
    if field.data and not is_valid_zone(field.data):
        raise ValidationError(_l("Unknown time zone. Choose one such as Africa/Tunis."))


class PartyForm(Form):
    """One row of the parties: an organisation and the person who signs for it."""

    organisation_id = SelectField(_l("Organisation"), coerce=optional_int, validate_choice=False)
    role = StringField(_l("Role"), filters=[clean_text], validators=[Length(max=120)])
    signatory_name = StringField(
        _l("Signatory"), filters=[clean_text], validators=[Length(max=200)]
    )
    signatory_title = StringField(
        _l("Signatory's title"), filters=[clean_text], validators=[Length(max=200)]
    )
    signed_on = DateField(_l("Signed on"), validators=[Optional()])


class AgreementForm(AgoraForm):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, kind.value) for kind in AgreementKind],
        validators=[DataRequired()],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=LONG_TEXT)])
    sponsorship_tier = StringField(_l("Sponsorship tier"), validators=[Length(max=40)])
    edition_id = SelectField(_l("Edition"), coerce=optional_int, validate_choice=False)
    signing_session_id = SelectField(
        _l("Signing session"), coerce=optional_int, validate_choice=False
    )
    timezone = ZoneField(_l("Time zone"), default="UTC", validators=[DataRequired(), validate_zone])
    effective_date = DateField(_l("Effective date"), validators=[Optional()])
    expiry_date = DateField(_l("Expiry date"), validators=[Optional()])
    is_public = BooleanField(_l("Public: shown to everyone, and on its edition's page"))
    owner_email = StringField(
        _l("Owner (email of the account that follows it)"),
        validators=[Optional(), Length(max=254)],
    )
    parties = FieldList(FormField(PartyForm), min_entries=3)
    submit = SubmitField(_l("Save"))

    def set_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Attach a service's errors to their fields; those of the parties go to the table."""
        parties = errors.get("parties")
        if parties:
            self.party_errors = [*getattr(self, "party_errors", []), *parties]
        return super().set_errors({k: v for k, v in errors.items() if k != "parties"})


class TransitionForm(AgoraForm):
    status = SelectField(
        _l("New status"),
        choices=[SelectChoice(status.value, status.value) for status in AgreementStatus],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField(_l("Change the status"))


class RenewForm(AgoraForm):
    note = TextAreaField(_l("Note"), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField(_l("Start a new term"))


class DocumentForm(AgoraForm):
    file = FileField(_l("PDF document"))
    is_signed_copy = BooleanField(_l("This is the signed copy"))
    submit = SubmitField(_l("Upload"))


class SignedCopyForm(AgoraForm):
    document_id = SelectField(_l("Signed copy"), coerce=optional_int, validate_choice=False)
    submit = SubmitField(_l("Mark as the signed copy"))


class CommitmentForm(AgoraForm):
    title = StringField(_l("Commitment"), validators=[DataRequired(), Length(max=300)])
    owner = StringField(_l("Owner"), validators=[Length(max=200)])
    party_id = SelectField(_l("Party"), coerce=optional_int, validate_choice=False)
    start_date = DateField(_l("Start date"), validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    target_value = StringField(_l("Target value"), validators=[DataRequired()])
    unit = StringField(_l("Unit"), validators=[Length(max=60)])
    submit = SubmitField(_l("Add the commitment"))


class ProgressForm(AgoraForm):
    commitment_id = SelectField(_l("Commitment"), coerce=optional_int, validate_choice=False)
    recorded_on = DateField(_l("Date"), validators=[DataRequired()])
    value = StringField(_l("Value reached"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Record the progress"))
