"""Queue emails in the outbox, inside the caller's transaction."""

import logging
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from app.extensions import db
from app.models import OutboxAttachment, OutboxMessage, OutboxStatus, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def queue_email(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    recipient_name: str = "",
    recipient_user: User | None = None,
    locale: str = "en",
    edition_id: int | None = None,
    draft: bool = False,
    dedupe_key: str | None = None,
    headers: dict | None = None,
    attachments: list[Attachment] | None = None,
    created_by: User | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction and flush it.

    The worker sends it after the caller commits; if the caller rolls back, the mail
    is gone with the change that caused it. A ``draft`` waits for an organiser's release.

    :param kind: the event that causes the mail, such as ``auth.password_reset``.
    :param dedupe_key: a key that makes a second queueing of the same mail a no-op.
    :raises ValueError: if the recipient or subject would smuggle in a header.
    """
    for value in (recipient, recipient_name, subject):
        if "\r" in value or "\n" in value:
            raise ValueError("Line breaks are not allowed in email headers.")
    if dedupe_key is not None:
        existing = db.session.scalar(
            db.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return existing
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        recipient_name=recipient_name,
        recipient_user_id=recipient_user.id if recipient_user is not None else None,
        locale=locale,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        status=OutboxStatus.DRAFT if draft else OutboxStatus.PENDING,
        edition_id=edition_id,
        dedupe_key=dedupe_key,
        created_by_id=created_by.id if created_by is not None else None,
    )
    for attachment in attachments or []:
        message.attachments.append(
            OutboxAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                data=attachment.data,
            )
        )
    db.session.add(message)
    db.session.flush()
    logger.info("queued %s mail %s to %s", kind, message.id, recipient)
    return message


def queue_templated_email(
    *, template: str, user: User, subject, kind: str, context: dict, **options
) -> OutboxMessage:
    """Render ``email/<template>.txt`` and ``.html`` in the user's language and queue them.

    :param template: a path below ``templates/email/`` without extension, like ``auth/reset``.
    :param subject: a ``lazy_gettext`` string, translated here into the user's language.
    """
    locale = user.locale or "en"
    with force_locale(locale):
        text = render_template(f"email/{template}.txt", user=user, **context)
        html = render_template(f"email/{template}.html", user=user, **context)
        subject_text = str(subject)
    return queue_email(
        kind=kind,
        recipient=user.email,
        recipient_name=user.display_name,
        recipient_user=user,
        locale=locale,
        subject=subject_text,
        body_text=text,
        body_html=html,
        **options,
    )
