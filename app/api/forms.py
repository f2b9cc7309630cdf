"""Forms of the token and webhook pages."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from app.forms import AgoraForm
from app.models import TokenScope, WebhookEvent

SCOPE_LABELS = {TokenScope.READ: _l("Read"), TokenScope.READ_WRITE: _l("Read and write")}
EVENT_LABELS = {
    WebhookEvent.SHOWCASE_SUBMITTED: _l("A showcase is submitted"),
    WebhookEvent.SHOWCASE_DECIDED: _l("A showcase is decided"),
    WebhookEvent.SESSION_SCHEDULED: _l("A session is scheduled"),
    WebhookEvent.SESSION_CHANGED: _l("A session changes"),
    WebhookEvent.SESSION_CANCELLED: _l("A session is cancelled"),
    WebhookEvent.AGREEMENT_STATUS_CHANGED: _l("An agreement changes status"),
}


class TokenForm(AgoraForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(
        _l("Scope"),
        choices=[SelectChoice(scope.value, label) for scope, label in SCOPE_LABELS.items()],
    )
    expires_in_days = IntegerField(
        _l("Expires after (days)"), default=90, validators=[Optional(), NumberRange(1, 366)]
    )
    submit = SubmitField(_l("Create the token"))


class WebhookForm(AgoraForm):
    url = StringField(
        _l("Address"), validators=[DataRequired(), Length(max=500), URL(require_tld=False)]
    )
    events = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(event.value, label) for event, label in EVENT_LABELS.items()],
        validators=[DataRequired()],
    )
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Add the webhook"))
