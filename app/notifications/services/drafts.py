"""An organiser's changes to the outbox's mails: edit, regenerate, discard, resend, release.

Functions flush and never commit: the caller owns the transaction.
"""

import logging

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.models import Edition, OutboxMessage, OutboxStatus, User, utcnow
from app.notifications.queries.outbox import draft_clause
from app.notifications.queries.registry import EVENTS
from app.notifications.queries.templates import render_notification
from app.notifications.services.outbox import finish_bodies, one_line

logger = logging.getLogger(__name__)

# Sent with the edition, in the release's transaction, when drafted mails are released:
# the areas whose mails wait as drafts (decisions) record what their release announced.
drafts_released = Namespace().signal("drafts-released")


def _must_be_draft(message: OutboxMessage) -> None:
    if message.status is not OutboxStatus.DRAFT:
        raise Conflict(str(_l("Only a draft can be changed; this mail is no longer one.")))


def edit_draft(message: OutboxMessage, *, subject: str, body_text: str, body_html: str) -> None:
    """Rewrite one draft by hand; the HTML is kept as typed (organisers are trusted).

    :raises Conflict: if the message is no longer a draft.
    :raises InvalidInput: if the subject or the text is empty.
    """
    _must_be_draft(message)
    subject = one_line(subject)
    if not subject:
        raise InvalidInput(str(_l("A mail needs a subject.")), field="subject")
    if not body_text.strip():
        raise InvalidInput(str(_l("A mail needs a text.")), field="body_text")
    message.subject = subject
    message.body_text = body_text
    message.body_html = body_html or None
    db.session.flush()


def regenerate(message: OutboxMessage) -> None:
    """Write a draft again from the current template (the edition's override if any).

    A mail still waiting in line (pending, such as a session change whose sending is
    held back to fold a burst of edits) can be regenerated too; its row is locked so a
    worker cannot claim it half-written.

    :raises Conflict: if it is neither a draft nor waiting, or was not made from a template.
    """
    waiting = db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.status.in_([OutboxStatus.DRAFT, OutboxStatus.PENDING]),
        )
        .with_for_update(skip_locked=True)
    )
    if waiting is None:
        raise Conflict(
            str(_l("This mail is already being sent or was sent: it can no longer change."))
        )
    db.session.refresh(message)
    if message.template_event not in EVENTS or message.template_context is None:
        raise Conflict(str(_l("This mail was not made from a template: edit it instead.")))
    subject, text, html = render_notification(
        message.template_event,
        message.edition_id,
        message.locale,
        dict(message.template_context),
    )
    if message.announcement_id is not None and message.subject:
        # An announcement's subject is the organiser's own, not the template's.
        subject = message.subject
    text, html = finish_bodies(
        text,
        html,
        subject=subject,
        category=message.category,
        recipient=message.recipient,
        locale=message.locale,
    )
    message.subject = one_line(subject)
    message.body_text = text
    message.body_html = html
    db.session.flush()


def discard(message: OutboxMessage) -> None:
    """Drop a draft or a failed mail; it stays listed as discarded.

    :raises Conflict: if it is pending, being sent or sent.
    """
    if message.status not in (OutboxStatus.DRAFT, OutboxStatus.FAILED):
        raise Conflict(str(_l("Only a draft or a failed mail can be discarded.")))
    message.status = OutboxStatus.DISCARDED
    db.session.flush()


def resend(message: OutboxMessage) -> None:
    """Put a failed mail back in line; its attempts and their log stay.

    :raises Conflict: if it has not failed.
    """
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, next_attempt_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise Conflict(str(_l("Only a failed mail can be sent again.")))
    db.session.refresh(message)


def release(edition: Edition, *, by: User, kind=None, ids=None, announcement_id=None) -> int:
    """Release drafts: one, a selection (``ids``), all of a kind, or all of an announcement.

    One guarded UPDATE turns only rows that are still drafts into pending mails, so a
    second submission of the same form releases nothing again.

    :returns: how many mails were released now.
    """
    if ids is not None and not ids:
        return 0
    now = utcnow()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(*draft_clause(edition, kind=kind, ids=ids, announcement_id=announcement_id))
        .values(
            status=OutboxStatus.PENDING,
            released_by_id=by.id,
            released_at=now,
            next_attempt_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()
    logger.info("%s released %s mails of edition %s", by.id, result.rowcount, edition.id)
    if result.rowcount:
        audit.record("mails.released", edition, actor=by, after={"mails": result.rowcount})
        drafts_released.send(edition)
    return result.rowcount
