"""Forms of the thinklab pages: details, members, composition, meetings, roadmap, posts."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
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
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.formatting import format_locale
from app.forms import AgoraForm, ZoneField, note_invalid_form, optional_int
from app.models import MeetingMode, MemberRole, RoadmapStatus, StakeholderCategory
from app.recurrence import WEEKDAYS, RuleChoice, choice_from, parts_of, rule_from
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


def weekday_choices():
    names = format_locale().days["format"]["wide"]
    return [SelectChoice(code, names[index]) for index, code in enumerate(WEEKDAYS)]


def month_day_choices():
    return (
        [SelectChoice("", _l("The day of the first meeting"))]
        + [SelectChoice(day, str(day)) for day in range(1, 32)]
        + [SelectChoice(-1, _l("The last day of the month"))]
    )


NTH_LABELS = {
    1: _l("First"),
    2: _l("Second"),
    3: _l("Third"),
    4: _l("Fourth"),
    -1: _l("Last"),
}


class ThinklabForm(ThinklabBaseForm):
    """A thinklab's details; its meetings' rule is chosen in simple fields (frequency,
    interval, days, end) that write the RRULE, or typed raw in the advanced mode."""

    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=80), SLUG])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20_000)])
    edition_id = SelectField(_l("Edition"), coerce=optional_int, validate_choice=False)
    agreement_id = SelectField(_l("Agreement"), coerce=optional_int, validate_choice=False)
    timezone = ZoneField(_l("Time zone"))
    first_meeting_local = DateTimeLocalField(
        _l("First meeting (on the group's wall clock)"), format=LOCAL, validators=[Optional()]
    )
    meeting_minutes = IntegerField(
        _l("Meeting length (minutes)"),
        default=120,
        validators=[InputRequired(), NumberRange(min=5, max=1440)],
    )
    repeat = SelectField(
        _l("Repeats"),
        choices=[
            SelectChoice("", _l("Does not repeat (a single meeting)")),
            SelectChoice("DAILY", _l("Daily")),
            SelectChoice("WEEKLY", _l("Weekly")),
            SelectChoice("MONTHLY", _l("Monthly")),
            SelectChoice("YEARLY", _l("Yearly")),
        ],
        default="",
    )
    interval = IntegerField(
        _l("Every how many days, weeks, months or years"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=99)],
    )
    weekdays = SelectMultipleField(
        _l("On these days (weekly)"),
        choices=weekday_choices,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    monthly = RadioField(
        _l("Which day of the month"),
        choices=[
            SelectChoice("day", _l("A day of the month")),
            SelectChoice("weekday", _l("A weekday of the month (e.g. the second Tuesday)")),
        ],
        default="day",
        validators=[Optional()],
    )
    month_day = SelectField(_l("Day of the month"), coerce=optional_int, choices=month_day_choices)
    nth = SelectField(
        _l("Which one"),
        coerce=int,
        choices=[SelectChoice(key, label) for key, label in NTH_LABELS.items()],
        default=1,
    )
    nth_weekday = SelectField(_l("Weekday"), choices=weekday_choices, default="MO")
    ends = RadioField(
        _l("Ends"),
        choices=[
            SelectChoice("never", _l("Never")),
            SelectChoice("until", _l("On a date")),
            SelectChoice("count", _l("After a number of meetings")),
        ],
        default="never",
        validators=[Optional()],
    )
    until = DateField(_l("Last day"), validators=[Optional()])
    count = IntegerField(
        _l("Number of meetings"), validators=[Optional(), NumberRange(min=1, max=1000)]
    )
    advanced = BooleanField(_l("Advanced: write the rule myself (RFC 5545 RRULE)"))
    rrule = StringField(
        _l("Recurrence (RFC 5545 RRULE)"),
        validators=[Length(max=500)],
        render_kw={"spellcheck": "false", "autocomplete": "off", "dir": "ltr"},
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

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if self._uses_fields() and self.ends.data == "until" and self.until.data is None:
            if not self.until.errors:
                self.until.errors = [_l("Give the last day of the meetings.")]
            valid = False
        if self._uses_fields() and self.ends.data == "count" and self.count.data is None:
            if not self.count.errors:
                self.count.errors = [_l("Give the number of meetings.")]
            valid = False
        if not valid:
            note_invalid_form()
        return valid

    def validate_rrule(self, field) -> None:
        if not self.uses_raw_rule() or not field.data:
            return
        try:
            parts = parts_of(field.data)
        except ValueError:
            return  # the service says what is wrong with it
        if "COUNT" in parts and "UNTIL" in parts:
            raise ValidationError(
                _l("A rule ends either after COUNT meetings or on an UNTIL date, not both.")
            )

    def uses_raw_rule(self) -> bool:
        """The advanced mode: ticked, or a raw rule posted without the simple fields."""
        return bool(self.advanced.data) or (not self.repeat.raw_data and bool(self.rrule.data))

    def _uses_fields(self) -> bool:
        return not self.uses_raw_rule() and bool(self.repeat.data)

    def rule_text(self) -> str:
        """The RRULE these fields give: the typed one in the advanced mode."""
        if self.uses_raw_rule():
            return self.rrule.data or ""
        choice = RuleChoice(
            frequency=self.repeat.data or "",
            interval=self.interval.data or 1,
            weekdays=list(self.weekdays.data or []),
            monthly=self.monthly.data or "day",
            month_day=self.month_day.data,
            nth=self.nth.data,
            nth_weekday=self.nth_weekday.data,
            ends=self.ends.data or "never",
            until=self.until.data,
            count=self.count.data,
        )
        return rule_from(choice, self.timezone.data or "")

    def fill_rule(self, text: str, zone: str) -> None:
        """Show a stored rule in the fields; one they cannot express opens the advanced mode."""
        choice = choice_from(text, zone)
        self.rrule.data = text
        if choice is None:
            self.advanced.data = True
            return
        self.advanced.data = False
        self.repeat.data = choice.frequency
        self.interval.data = choice.interval
        self.weekdays.data = choice.weekdays
        self.monthly.data = choice.monthly
        self.month_day.data = choice.month_day
        self.nth.data = choice.nth or 1
        self.nth_weekday.data = choice.nth_weekday or "MO"
        self.ends.data = choice.ends
        self.until.data = choice.until
        self.count.data = choice.count

    def set_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """A service's word on the rule goes next to the field the organiser used."""
        if "rrule" in errors and not self.uses_raw_rule():
            errors = {**errors, "repeat": [*errors.get("repeat", []), *errors["rrule"]]}
            del errors["rrule"]
        return super().set_errors(errors)


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
