"""Forms of the thinklab pages: details, members, composition, meetings, roadmap, posts."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.forms import AgoraForm, optional_int
from app.models import MeetingMode, MemberRole, RoadmapStatus, StakeholderCategory
from app.thinklabs.queries.thinklab import CATEGORY_LABELS, MODE_LABELS, ROADMAP_STATUS_LABELS

SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lower-case letters, digits and hyphens, e.g. bizerte-2050."),
)
LOCAL = "%Y-%m-%dT%H:%M"


class ThinklabBaseForm(AgoraForm):
    """Base of the thinklab forms."""


def category_choices():
    return [SelectChoice(c.value, CATEGORY_LABELS[c]) for c in StakeholderCategory]


class ThinklabForm(ThinklabBaseForm):
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=80), SLUG])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20_000)])
    edition_id = SelectField(_l("Edition"), coerce=optional_int, validate_choice=False)
    agreement_id = SelectField(_l("Agreement"), coerce=optional_int, validate_choice=False)
    timezone = StringField(
        _l("Time zone (IANA)"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"list": "zones", "autocomplete": "off", "spellcheck": "false"},
    )
    first_meeting_local = DateTimeLocalField(
        _l("First meeting (on the group's wall clock)"), format=LOCAL, validators=[Optional()]
    )
    meeting_minutes = IntegerField(
        _l("Meeting length (minutes)"),
        default=120,
        validators=[InputRequired(), NumberRange(min=5, max=1440)],
    )
    rrule = StringField(
        _l("Recurrence (RFC 5545 RRULE)"),
        validators=[Length(max=500)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    meeting_mode = SelectField(
        _l("Meetings are"),
        choices=[SelectChoice(m.value, MODE_LABELS[m]) for m in MeetingMode],
        default=MeetingMode.ONLINE.value,
    )
    venue_id = SelectField(_l("Venue"), coerce=optional_int, validate_choice=False)
    location = StringField(_l("Place"), validators=[Length(max=300)])
    online_url = StringField(
        _l("Video-call link"),
        validators=[
            Optional(),
            Length(max=500),
            Regexp(r"^https?://", message=_l("Give an https:// address.")),
        ],
    )
    submit = SubmitField(_l("Save"))


class MemberForm(ThinklabBaseForm):
    email = StringField(
        _l("Email of their account (optional)"), validators=[Optional(), Email(), Length(max=254)]
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    category = SelectField(_l("Stakeholder category"), choices=category_choices)
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(MemberRole.MEMBER.value, _l("Member")),
            SelectChoice(MemberRole.CHAIR.value, _l("Chair")),
        ],
    )
    submit = SubmitField(_l("Add the member"))


def _optional_id(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class MemberEditForm(ThinklabBaseForm):
    member_id = HiddenField(validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=_optional_id, validate_choice=False)
    category = SelectField(_l("Stakeholder category"), choices=category_choices)
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(MemberRole.MEMBER.value, _l("Member")),
            SelectChoice(MemberRole.CHAIR.value, _l("Chair")),
        ],
    )
    submit = SubmitField(_l("Save the member"))


class RemoveForm(ThinklabBaseForm):
    object_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Remove"))


class RuleForm(ThinklabBaseForm):
    category = SelectField(_l("Category"), choices=category_choices)
    minimum = IntegerField(
        _l("At least (0 removes the rule)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    submit = SubmitField(_l("Set the rule"))


class SkipForm(ThinklabBaseForm):
    original = DateTimeLocalField(_l("Meeting"), format=LOCAL, validators=[InputRequired()])
    note = StringField(_l("Reason (shown to everyone)"), validators=[Length(max=300)])
    submit = SubmitField(_l("Skip this meeting"))


class MoveForm(ThinklabBaseForm):
    original = DateTimeLocalField(_l("Meeting"), format=LOCAL, validators=[InputRequired()])
    starts_local = DateTimeLocalField(_l("New start"), format=LOCAL, validators=[InputRequired()])
    ends_local = DateTimeLocalField(_l("New end"), format=LOCAL, validators=[InputRequired()])
    meeting_mode = SelectField(
        _l("Mode"),
        choices=[SelectChoice("", _l("As usual"))]
        + [SelectChoice(m.value, MODE_LABELS[m]) for m in MeetingMode],
    )
    venue_id = SelectField(_l("Venue"), coerce=optional_int, validate_choice=False)
    note = StringField(_l("Reason (shown to everyone)"), validators=[Length(max=300)])
    submit = SubmitField(_l("Move this meeting"))


class RoadmapForm(ThinklabBaseForm):
    item_id = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20_000)])
    horizon_year = IntegerField(
        _l("Horizon (year)"), validators=[InputRequired(), NumberRange(min=1900, max=2200)]
    )
    owner = StringField(_l("Owner"), validators=[Length(max=200)])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, ROADMAP_STATUS_LABELS[s]) for s in RoadmapStatus],
    )
    progress = IntegerField(
        _l("Progress (%)"), default=0, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    submit = SubmitField(_l("Save the item"))


class ContributionForm(ThinklabBaseForm):
    body = TextAreaField(
        _l("Your contribution"),
        validators=[Length(max=20_000)],
        description=_l("Simple formatting is kept: paragraphs, bold, italics, lists, links."),
    )
    link_url = StringField(_l("Link (optional)"), validators=[Length(max=500)])
    files = MultipleFileField(_l("Files: PDF, PNG or JPEG (optional)"))
    submit = SubmitField(_l("Post"))


class DigestForm(ThinklabBaseForm):
    wants_digest = BooleanField(_l("Send me a daily digest of new contributions"))
    submit = SubmitField(_l("Save my choice"))
