"""Forms of the registrations area: the registration form, the organisers' settings, check-in."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import AgoraForm

ROLES = [
    ("", _l("— choose —")),
    ("attendee", _l("Attendee")),
    ("public_institution", _l("Public institution")),
    ("city", _l("City or local government")),
    ("company", _l("Company")),
    ("startup", _l("Startup")),
    ("research", _l("Research or university")),
    ("association", _l("Association")),
    ("press", _l("Press")),
]


class RegistrationForm(AgoraForm):
    full_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    organisation_name = StringField(_l("Organisation"), validators=[Length(max=200)])
    role = SelectField(_l("You come as"), choices=ROLES, validators=[Optional()])
    submit = SubmitField(_l("Register"))


def answers_from(form_data, questions: list[str]) -> dict[str, str]:
    """The answers to an edition's own questions, posted as ``answer-<n>``."""
    return {q: form_data.get(f"answer-{n}", "") for n, q in enumerate(questions)}


class SettingsForm(AgoraForm):
    is_open = BooleanField(_l("Registration is open"))
    capacity = IntegerField(
        _l("Capacity (empty: no limit)"), validators=[Optional(), NumberRange(min=1)]
    )
    closes_local = DateTimeLocalField(
        _l("Registration closes (edition's time zone)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    questions = TextAreaField(_l("Optional questions, one per line"), validators=[Length(max=2500)])
    submit = SubmitField(_l("Save"))


class SearchForm(AgoraForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name, email or organisation"), validators=[Length(max=100)])
