"""Forms of the organiser pages: series, editions, tracks, venues, rooms, status, copy."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    ColorField,
    DateField,
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
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.editions.queries import LANGUAGE_LABELS, edition_number_taken, edition_slug_taken
from app.forms import LONG_TEXT, AgoraForm, ZoneField
from app.models import (
    DEFAULT_TEXT_LANGUAGE,
    TEXT_LANGUAGES,
    EditionFormat,
    EditionRoleKind,
    EditionStatus,
)
from app.timezones import is_valid_zone

SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lower-case letters, digits and hyphens, e.g. casablanca-smart-city-2024."),
)
COLOUR = Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Give a colour as #rrggbb, e.g. #3559a8."))


class SeriesForm(AgoraForm):
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=80), SLUG])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField(_l("Save"))


def validate_zone(form, field) -> None:
    if field.data and not is_valid_zone(field.data):
        raise ValidationError(_l("Unknown time zone. Choose one such as Africa/Casablanca."))


class EditionForm(AgoraForm):
    series_id = SelectField(_l("Series"), coerce=int, validators=[InputRequired()])
    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=80), SLUG])
    number = IntegerField(
        _l("Edition number"), validators=[InputRequired(), NumberRange(min=1, max=10_000)]
    )
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1900, max=2200)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    theme = StringField(_l("Theme"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    original_lang = SelectField(
        _l("Language of the title, theme and description"),
        choices=[
            SelectChoice(lang, LANGUAGE_LABELS[lang], render_kw={"lang": lang})
            for lang in TEXT_LANGUAGES
        ],
        default=DEFAULT_TEXT_LANGUAGE,
        description=_l("The edition's Languages page gives them in the other languages."),
    )
    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice(EditionFormat.CONFERENCE.value, _l("Conference")),
            SelectChoice(EditionFormat.AGORA.value, _l("Agora of showcases")),
            SelectChoice(EditionFormat.CARAVAN.value, _l("Caravan")),
            SelectChoice(EditionFormat.THINKLAB.value, _l("Thinklab")),
        ],
    )
    timezone = ZoneField(_l("Time zone"), validators=[DataRequired(), validate_zone])
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    patronage = StringField(_l("Under the patronage of"), validators=[Length(max=300)])
    organised_by = StringField(_l("Organised by"), validators=[Length(max=300)])
    call_opens_local = DateTimeLocalField(
        _l("Call for showcases opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    call_closes_local = DateTimeLocalField(
        _l("Call for showcases closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    # The edition being edited (None for a new one): its own slug and number are not taken.
    edition_id: int | None = None

    # Checked here too, so that a taken slug or number shows with the other problems.
    def validate_slug(self, field) -> None:
        if field.data and edition_slug_taken(field.data, edition_id=self.edition_id):
            raise ValidationError(_l("Another edition already uses this address."))

    def validate_number(self, field) -> None:
        series_id, number = self.series_id.data, field.data
        if (
            series_id
            and number
            and edition_number_taken(series_id, number, edition_id=self.edition_id)
        ):
            raise ValidationError(_l("This series already has an edition with this number."))

    def validate_end_date(self, field) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The edition cannot end before it starts."))

    def validate_call_closes_local(self, field) -> None:
        opens = self.call_opens_local.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("The call must close after it opens."))
        if bool(opens) != bool(field.data):
            raise ValidationError(_l("Give both ends of the call window, or neither."))


class TrackForm(AgoraForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    colour = ColorField(_l("Colour"), default="#3559a8", validators=[DataRequired(), COLOUR])
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(min=0, max=10_000)])
    submit = SubmitField(_l("Save"))


class VenueForm(AgoraForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    town = StringField(_l("Town"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    timezone = ZoneField(
        _l("Own time zone (if not the edition's)"),
        validators=[Optional(), validate_zone],
        optional=True,
        blank=_l("The edition's zone"),
    )
    start_date = DateField(_l("First day"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    position = IntegerField(
        _l("Position (order of the stops)"), validators=[Optional(), NumberRange(min=0, max=10_000)]
    )
    submit = SubmitField(_l("Save"))

    def validate_end_date(self, field) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The venue cannot end before it starts."))


class RoomForm(AgoraForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    capacity = IntegerField(
        _l("Capacity (seats)"), validators=[Optional(), NumberRange(min=1, max=1_000_000)]
    )
    submit = SubmitField(_l("Save"))


class StatusForm(AgoraForm):
    status = SelectField(
        _l("New status"),
        choices=[SelectChoice(status.value) for status in EditionStatus],
        validators=[InputRequired()],
    )


class DeleteForm(AgoraForm):
    """An empty form: the CSRF token of a delete button."""


class CopyForm(AgoraForm):
    slug = StringField(
        _l("Address (slug) of the new edition"), validators=[DataRequired(), Length(max=80), SLUG]
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    number = IntegerField(
        _l("Edition number"), validators=[InputRequired(), NumberRange(min=1, max=10_000)]
    )
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1900, max=2200)])
    submit = SubmitField(_l("Copy the structure"))


class GrantForm(AgoraForm):
    email = EmailField(
        _l("Email address of their account"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(EditionRoleKind.REVIEWER.value, _l("Reviewer")),
            SelectChoice(EditionRoleKind.ORGANISER.value, _l("Organiser")),
        ],
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Grant the role"))


class RevokeForm(AgoraForm):
    role_id = IntegerField(validators=[InputRequired()])


class CriterionForm(AgoraForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    weight = IntegerField(
        _l("Weight"),
        default=1,
        validators=[
            InputRequired(),
            NumberRange(min=1, max=100, message=_l("Give a whole number from 1 to 100.")),
        ],
    )
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(min=0, max=10_000)])
    submit = SubmitField(_l("Save"))


class IdentityForm(AgoraForm):
    accent_colour = StringField(
        _l("Accent colour"),
        validators=[Optional(), Length(max=7)],
        description=_l(
            "#rrggbb, e.g. #0f766e. Text on it is written in black or white, whichever "
            "reads best; leave empty for Agora's own colours."
        ),
    )
    frame_origins = TextAreaField(
        _l("Sites allowed to show the programme in a frame"),
        validators=[Length(max=2400)],
        description=_l(
            "One site per line, e.g. https://www.ville-bizerte.tn. They may show the "
            "programme (at its address with ?embed=1) inside their own pages; every other "
            "site stays refused."
        ),
    )
    submit = SubmitField(_l("Save"), id="identity-submit")


class EditionTextForm(AgoraForm):
    """An edition's title, theme and description in one language besides the original."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    theme = StringField(_l("Theme"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=LONG_TEXT)])
    submit = SubmitField(_l("Save"))


class PictureForm(AgoraForm):
    picture = FileField(_l("Picture (PNG, JPEG or WebP)"))
    submit = SubmitField(_l("Upload"))
