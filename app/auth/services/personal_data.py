"""A person's data: everything Agora holds about them, deleting their account, and an
administrator disabling one.

Every function here flushes and never commits: the caller owns the transaction.
"""

import logging
import secrets

from flask_babel import gettext as _

from app.audit import record
from app.auth.services.accounts import hash_password, verify_password
from app.auth.services.sessions import end_all_sessions
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import (
    AgendaEntry,
    EditionRole,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    Registration,
    ThinklabMember,
    User,
    utcnow,
)

logger = logging.getLogger(__name__)

# What replaces a deleted person's name wherever a record of theirs must stay (their
# organisation's showcases, decisions, transitions): a fixed, untranslated marker.
DELETED_NAME = "Deleted account"


def anonymous_address(user: User) -> str:
    """Return the address that replaces a deleted account's email (unique, undeliverable)."""
    return f"deleted-{user.id}@deleted.invalid"


def delete_account(user: User, password: str) -> User:
    """Delete ``user``'s account after checking their password.

    What belongs to their organisation stays (showcases, agreements, reviews), under the
    name "Deleted account"; their email becomes an undeliverable placeholder; their
    registrations, agenda, roles, preferences, sessions and remember-me cookies go; mails
    not yet sent to them are discarded and those sent lose the address.

    :raises InvalidInput: (field ``password``) if the password is wrong.
    """
    if user.deleted_at is not None:
        return user
    if not verify_password(user.password_hash, password or ""):
        raise InvalidInput(_("Your password is not correct."), field="password")
    end_all_sessions(user)
    for model in (AgendaEntry, Registration, EditionRole):
        db.session.execute(db.delete(model).where(model.user_id == user.id))
    db.session.execute(
        db.delete(NotificationPreference).where(
            db.or_(
                NotificationPreference.user_id == user.id,
                NotificationPreference.email == user.email,
            )
        )
    )
    address = anonymous_address(user)
    db.session.execute(
        db.update(OutboxMessage)
        .where(
            OutboxMessage.recipient_user_id == user.id,
            OutboxMessage.status.in_([OutboxStatus.DRAFT, OutboxStatus.PENDING]),
        )
        .values(status=OutboxStatus.DISCARDED)
    )
    db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.recipient_user_id == user.id)
        .values(recipient=address, recipient_name=DELETED_NAME)
    )
    db.session.execute(
        db.update(ThinklabMember)
        .where(ThinklabMember.user_id == user.id)
        .values(name=DELETED_NAME, user_id=None)
    )
    user.email = address
    user.display_name = DELETED_NAME
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.locale = None
    user.timezone = None
    user.calendar_token = None
    user.is_admin = False
    user.is_organiser = False
    user.is_disabled = True
    user.deleted_at = utcnow()
    db.session.flush()
    logger.info("deleted account %s", user.id)
    return user


def set_account_disabled(user: User, disabled: bool, *, by: User | None = None) -> User:
    """Disable an account (it cannot log in; its sessions end) or enable it again.

    :param by: the administrator who decides it.
    :raises NotAllowed: if an administrator tries to disable their own account, or a
        deleted account is to be enabled.
    """
    if by is not None and by.id == user.id and disabled:
        raise NotAllowed(_("You cannot disable your own account."))
    if not disabled and user.deleted_at is not None:
        raise NotAllowed(_("A deleted account cannot be enabled again."))
    user.is_disabled = bool(disabled)
    if disabled:
        end_all_sessions(user)
    record("account.disabled" if disabled else "account.enabled", user, actor=by)
    db.session.flush()
    return user
