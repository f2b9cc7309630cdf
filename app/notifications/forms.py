"""Forms of the organiser outbox, the template editor, announcements and preferences."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import LONG_TEXT, AgoraForm


class FilterForm(AgoraForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    recipient = StringField(_l("Recipient"), validators=[Optional(), Length(max=254)])


class ReleaseForm(AgoraForm):
    """Release one, a selection (``ids``), all drafts of a kind, or all of an announcement."""

    kind = HiddenField()
    announcement_id = HiddenField()
    submit = SubmitField(_l("Release"))


class ActionForm(AgoraForm):
    """A button that acts on one message (discard, regenerate, release, resend)."""

    submit = SubmitField(_l("Confirm"))


class DraftForm(AgoraForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    body_text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=LONG_TEXT)])
    body_html = TextAreaField(_l("HTML"), validators=[Optional(), Length(max=LONG_TEXT * 2)])
    submit = SubmitField(_l("Save the draft"))


class OverrideForm(AgoraForm):
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=300)])
    body_text = TextAreaField(_l("Text version"), validators=[Optional(), Length(max=LONG_TEXT)])
    body_html = TextAreaField(
        _l("HTML version"), validators=[Optional(), Length(max=LONG_TEXT * 2)]
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))


class AnnouncementForm(AgoraForm):
    audience = SelectField(_l("To"), choices=[], validate_choice=False)
    thinklab_id = SelectField(_l("Thinklab"), choices=[], validate_choice=False, coerce=str)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=LONG_TEXT)])
    copy_to = EmailField(_l("Also send a copy to"), validators=[Optional(), Length(max=254)])
    count = SubmitField(_l("Count the recipients"))
    submit = SubmitField(_l("Write the drafts"))


class PreferencesForm(AgoraForm):
    digests = BooleanField(_l("Digests of my thinklabs"))
    reminders = BooleanField(_l("Reminders about agreements and commitments"))
    announcements = BooleanField(_l("Announcements of the editions I take part in"))
    submit = SubmitField(_l("Save my choices"))


class UnsubscribeForm(AgoraForm):
    class Meta:
        # A mail client's one-click POST (RFC 8058) carries no CSRF token; the signed
        # link is the proof, and all it can do is unsubscribe.
        csrf = False

    submit = SubmitField(_l("Unsubscribe"))
