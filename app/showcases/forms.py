"""Forms of the showcase, review, decision and organisation pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import AgoraForm
from app.models import OrganisationKind, ShowcaseKind
from app.organisations.queries import KIND_LABELS as ORGANISATION_KIND_LABELS
from app.showcases.queries import KIND_LABELS, SUMMARY_MAX, TITLE_MAX


def _keep_lines(value):
    """Like the base filter, but keep the summary's line breaks (as ``\\n``)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class ShowcaseForm(AgoraForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    kind = SelectField(
        _l("What is it?"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired()],
    )
    track_id = SelectField(_l("Axis"), choices=[], validate_choice=False)
    summary = TextAreaField(
        _l("Summary"),
        validators=[Length(max=SUMMARY_MAX)],
        filters=[_keep_lines],
        render_kw={"rows": 10},
    )
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class SubmitForm(AgoraForm):
    # Own ids: this form shares its page with the showcase's form.
    track_id = SelectField(
        _l("Submit to the axis"), choices=[], validate_choice=False, id="submit-track_id"
    )
    version = HiddenField(id="submit-version")
    submit = SubmitField(_l("Submit the showcase"), id="submit-submit")


class MaterialsForm(AgoraForm):
    file = MultipleFileField(_l("Add files (PDF, PNG or JPEG)"))
    submit = SubmitField(_l("Upload"), id="upload-submit")


class ConfirmForm(AgoraForm):
    """A button that must be confirmed: the hidden ``confirm`` field says it was meant."""

    confirm = HiddenField()


class WithdrawForm(AgoraForm):
    note = TextAreaField(
        _l("Why (optional, seen by the organisers)"), validators=[Length(max=2000)]
    )
    confirm = BooleanField(_l("Yes, withdraw this showcase"), validators=[DataRequired()])
    submit = SubmitField(_l("Withdraw"))


class ReviewForm(AgoraForm):
    comment = TextAreaField(
        _l("Comment for the organisers and the other reviewers"),
        validators=[Length(max=10_000)],
        filters=[_keep_lines],
        render_kw={"rows": 8},
    )
    submit = SubmitField(_l("Save my review"))


DECISION_CHOICES = [
    SelectChoice("accepted", _l("Accept")),
    SelectChoice("waitlisted", _l("Waitlist")),
    SelectChoice("rejected", _l("Reject")),
]


class DecisionForm(AgoraForm):
    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES, validators=[InputRequired()])
    note = TextAreaField(_l("Note for the history (not mailed)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Record the decision"), id="decision-submit")


class AssignForm(AgoraForm):
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, choices=[], validate_choice=False)
    submit = SubmitField(_l("Assign"), id="assign-submit")


class TrackAssignForm(AgoraForm):
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, choices=[], validate_choice=False)
    track_id = SelectField(_l("Axis"), coerce=int, choices=[], validate_choice=False)
    submit = SubmitField(_l("Assign the whole axis"))


class StandForm(AgoraForm):
    stand_number = StringField(_l("Stand number"), validators=[Length(max=20)])
    submit = SubmitField(_l("Save the stand"), id="stand-submit")


class SessionLinkForm(AgoraForm):
    session_id = SelectField(_l("Showcase session"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Present in this session"), id="session-submit")


class OrganisationForm(AgoraForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, label) for k, label in ORGANISATION_KIND_LABELS.items()],
        validators=[InputRequired()],
    )
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    city = StringField(_l("City"), validators=[Length(max=120)])
    website = StringField(_l("Website"), validators=[Length(max=300)])
    submit = SubmitField(_l("Save"))


class LogoForm(AgoraForm):
    logo = FileField(_l("Logo (PNG or JPEG, 2 MB at most)"))
    submit = SubmitField(_l("Upload the logo"), id="logo-submit")


class InviteForm(AgoraForm):
    email = EmailField(_l("Your colleague's email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send the invitation"), id="invite-submit")


class AcceptForm(AgoraForm):
    leave_current = BooleanField(_l("Leave my current organisation"))
    submit = SubmitField(_l("Accept the invitation"))


ORGANISATION_KINDS = list(OrganisationKind)
SHOWCASE_KINDS = list(ShowcaseKind)
