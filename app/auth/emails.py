"""Account emails: the confirmation link and the password-reset link, queued in the outbox."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.queries import make_confirm_token, make_reset_token
from app.models import OutboxMessage, User
from app.notifications.services import queue_templated_email
from app.urls import absolute_link


def notify_confirm_email(user: User) -> OutboxMessage:
    """Queue the mail whose link confirms ``user``'s email address.

    :param user: a flushed account (its id goes into the token).
    """
    max_age = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    return queue_templated_email(
        template="auth/confirm_email",
        user=user,
        subject=_l("Confirm your email address for Agora"),
        kind="auth.confirm_email",
        context={
            "link": absolute_link("auth.confirm_email", token=make_confirm_token(user)),
            "valid_days": max(1, max_age // 86400),
        },
    )


def notify_password_reset(user: User) -> OutboxMessage:
    """Queue the mail whose single-use link lets ``user`` choose a new password."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    return queue_templated_email(
        template="auth/password_reset",
        user=user,
        subject=_l("Reset your Agora password"),
        kind="auth.password_reset",
        context={
            "link": absolute_link("auth.reset_password", token=make_reset_token(user)),
            "valid_minutes": max(1, max_age // 60),
        },
    )
