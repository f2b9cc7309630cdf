"""Account forms: sign-up, login, password reset and the account page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from app.auth.services import password_problem
from app.forms import ZoneField
from app.labels import LANGUAGE_NAMES
from app.timezones import is_valid_zone

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


def _email_field(label=None):
    return EmailField(
        label or _l("Email"),
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Email(message=_l("Please enter a valid email address.")),
            Length(max=254),
        ],
    )


def _new_password_field(label):
    # InputRequired, not DataRequired: a password of spaces must reach the strength check
    # and get its own explanation rather than "required".
    return PasswordField(label, validators=[InputRequired(message=_l("Please choose a password."))])


def _confirmation_field(of: str):
    return PasswordField(
        _l("Password again"),
        validators=[
            InputRequired(message=_l("Please type the password a second time.")),
            EqualTo(of, message=_l("The two passwords are not the same.")),
        ],
    )


class RegisterForm(FlaskForm):
    email = _email_field()
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please enter your name.")), Length(max=120)],
    )
    password = _new_password_field(_l("Password"))
    password_confirm = _confirmation_field("password")
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
    submit = SubmitField(_l("Create my account"))

    def validate_password(self, field):
        problem = password_problem(field.data, email=self.email.data)
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = StringField(
        _l("Email"), validators=[DataRequired(message=_l("Please enter your email address."))]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Please enter your password."))]
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    password_confirm = _confirmation_field("password")
    submit = SubmitField(_l("Save my new password"))


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post."""


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please enter your name.")), Length(max=120)],
    )
    locale = SelectField(
        _l("Language"), choices=[SelectChoice("", _l("Same as my browser")), *LANGUAGE_CHOICES]
    )
    timezone = ZoneField(
        _l("Time zone"),
        validators=[Optional()],
        optional=True,
        blank=_l("The zone of each event"),
    )
    submit = SubmitField(_l("Save my profile"))

    def validate_timezone(self, field):
        if field.data and not is_valid_zone(field.data.strip()):
            raise ValidationError(_l("Unknown time zone. Use a name such as Africa/Casablanca."))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password."))],
    )
    new_password = _new_password_field(_l("New password"))
    new_password_confirm = _confirmation_field("new_password")
    submit = SubmitField(_l("Change my password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Please enter your password."))],
    )
    confirm = BooleanField(
        _l("I understand that my account and my personal data will be deleted for good."),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))
