"""Forms of the organiser pages of sessions, speakers and the scheduling grid."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.forms import LONG_TEXT, AgoraForm
from app.labels import CATEGORY_LABELS, SESSION_KIND_LABELS
from app.models import SessionKind, SessionStatus, SpeakerRole, StakeholderCategory
from app.program.queries.programme import ROLE_LABELS, STATUS_LABELS

TIME_FORMAT = "%Y-%m-%dT%H:%M"


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionForm(AgoraForm):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, SESSION_KIND_LABELS[k]) for k in SessionKind]
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    abstract = TextAreaField(_l("Abstract"), validators=[Length(max=LONG_TEXT)])
    track_id = SelectField(_l("Axis"), coerce=_optional_int, validate_choice=False)
    room_id = SelectField(_l("Room"), coerce=_optional_int, validate_choice=False)
    venue_id = SelectField(
        _l("Venue (when there is no room)"), coerce=_optional_int, validate_choice=False
    )
    online_url = StringField(
        _l("Online link"),
        validators=[
            Optional(),
            Length(max=500),
            URL(message=_l("Give a full address (https://…).")),
        ],
    )
    starts_local = DateTimeLocalField(
        _l("Start (venue's local time)"), format=TIME_FORMAT, validators=[DataRequired()]
    )
    ends_local = DateTimeLocalField(
        _l("End (venue's local time)"), format=TIME_FORMAT, validators=[DataRequired()]
    )
    status = SelectField(
        _l("Status"), choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in SessionStatus]
    )
    capacity = IntegerField(
        _l("Seats to book (a workshop; empty: no booking)"),
        validators=[Optional(), NumberRange(min=1, message=_l("At least 1 seat, or empty."))],
        description=_l(
            "Registered attendees book these seats from the session page. Never more "
            "than the room holds: a larger number is cut to the room's capacity."
        ),
    )
    accept_warnings = BooleanField(_l("Save anyway, despite the warnings above"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def validate_ends_local(self, field) -> None:
        if self.starts_local.data and field.data and field.data <= self.starts_local.data:
            raise ValidationError(_l("The session must end after it starts."))


class PlaceForm(AgoraForm):
    """The small form of the grid: a room and a start time."""

    room_id = SelectField(_l("Room"), coerce=_optional_int, validate_choice=False)
    starts_local = DateTimeLocalField(_l("Start"), format=TIME_FORMAT, validators=[DataRequired()])
    accept_warnings = BooleanField(_l("Save anyway"))
    version = HiddenField()
    submit = SubmitField(_l("Move"))


class SessionSpeakerForm(AgoraForm):
    speaker_id = SelectField(_l("Speaker"), coerce=_optional_int, validate_choice=False)
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in SpeakerRole]
    )
    accept_warnings = BooleanField(_l("Add anyway, despite the warnings"))
    submit = SubmitField(_l("Add the speaker"))

    def validate_speaker_id(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose a speaker."))


class ConfirmForm(AgoraForm):
    """A bare form for buttons (invite, remove, cancel): only its CSRF token."""

    version = HiddenField()


class SpeakerForm(AgoraForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title or position"), validators=[Length(max=200)])
    bio = TextAreaField(_l("Biography"), validators=[Length(max=LONG_TEXT)])
    email = EmailField(
        _l("Email (for invitations)"),
        validators=[Optional(), Email(message=_l("Give a valid email address.")), Length(max=254)],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_int, validate_choice=False)
    category = SelectField(
        _l("Stakeholder category"),
        choices=[SelectChoice(c.value, CATEGORY_LABELS[c]) for c in StakeholderCategory],
        default=StakeholderCategory.OTHER.value,
    )
    account_email = EmailField(
        _l("Agora account (email), if the speaker has one"),
        validators=[Optional(), Email(message=_l("Give a valid email address.")), Length(max=254)],
    )
    links = TextAreaField(
        _l("Links"),
        description=_l(
            "One per line: a label, then the address (https://…). "
            "For example: Website https://example.org"
        ),
        validators=[Length(max=5000)],
    )
    photo = FileField(_l("Photo (PNG or JPEG, up to 2 MB)"))
    submit = SubmitField(_l("Save"))


class AvailabilityForm(AgoraForm):
    """A period in which a speaker can be scheduled, on the edition's wall clock."""

    starts_local = DateTimeLocalField(
        _l("Available from (edition's local time)"), format=TIME_FORMAT, validators=[Optional()]
    )
    ends_local = DateTimeLocalField(
        _l("Until (edition's local time)"), format=TIME_FORMAT, validators=[Optional()]
    )
    submit = SubmitField(_l("Add the period"))


class RemoveAvailabilityForm(AgoraForm):
    object_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Remove"))


class SpeakerProfileForm(AgoraForm):
    """What speakers change of their own profile, from their account or invitation link."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title or position"), validators=[Length(max=200)])
    bio = TextAreaField(_l("Biography"), validators=[Length(max=LONG_TEXT)])
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_int, validate_choice=False)
    links = TextAreaField(
        _l("Links"),
        description=_l(
            "One per line: a label, then the address (https://…). "
            "For example: Website https://example.org"
        ),
        validators=[Length(max=5000)],
    )
    photo = FileField(_l("Photo (PNG or JPEG, up to 2 MB)"))
    submit = SubmitField(_l("Save my profile"))
