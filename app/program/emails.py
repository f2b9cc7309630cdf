"""Mails about sessions: speaker invitations, changes and cancellations, through the outbox.

A burst of edits to one session yields one mail per person: a change mail waits
``FOLD_DELAY`` in the outbox, and a later change while it still waits rewrites that
message (its bodies show the final state) and pushes its sending time back, up to
``FOLD_MAX`` after the first change.

Every mail is written from the template registry (app.notifications.queries), so an
edition's override of an event applies, and the placeholder values are kept with the
message so that an organiser can regenerate a still-waiting mail from the outbox.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.ical import session_invitation
from app.models import (
    AgendaEntry,
    ConferenceSession,
    OutboxAttachment,
    OutboxMessage,
    OutboxStatus,
    SessionSpeaker,
    User,
    utcnow,
)
from app.notifications.services import (
    EVENTS,
    Attachment,
    finish_bodies,
    flatten,
    one_line,
    queue_email,
    queue_job,
    register_job,
    render_notification,
)
from app.urls import absolute_link

logger = logging.getLogger(__name__)

FOLD_DELAY = timedelta(minutes=5)
FOLD_MAX = timedelta(minutes=30)


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    locale: str
    user: User | None = None


def _default_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def session_recipients(session_: ConferenceSession) -> list[Recipient]:
    """Return the speakers (with an email) and the attendees who starred the session."""
    found: dict[str, Recipient] = {}
    for place in session_.speakers:
        speaker = place.speaker
        email = speaker.email or (speaker.user.email if speaker.user is not None else None)
        if not email:
            continue
        locale = speaker.user.locale if speaker.user is not None else None
        found.setdefault(
            email.lower(),
            Recipient(email, speaker.name, locale or _default_locale(), speaker.user),
        )
    starred = db.session.scalars(
        select(User)
        .join(AgendaEntry, AgendaEntry.user_id == User.id)
        .where(AgendaEntry.session_id == session_.id)
    )
    for user in starred:
        found.setdefault(
            user.email.lower(),
            Recipient(user.email, user.display_name, user.locale or _default_locale(), user),
        )
    return list(found.values())


def _when(session_: ConferenceSession) -> str:
    return (
        f"{session_.starts_local:%Y-%m-%d %H:%M}–{session_.ends_local:%H:%M} ({session_.timezone})"
    )


def _place(session_: ConferenceSession) -> str:
    parts = []
    if session_.room is not None:
        venue = session_.room.venue
        parts.append(f"{session_.room.name}, {venue.name}, {venue.town}")
    elif session_.venue is not None:
        parts.append(f"{session_.venue.name}, {session_.venue.town}")
    if session_.online_url:
        parts.append(session_.online_url)
    return " · ".join(parts)


def itip(session_: ConferenceSession, recipient: Recipient) -> Attachment:
    """The iTIP (RFC 5546) attachment of a mail: REQUEST, or CANCEL for a cancelled session."""
    method = "CANCEL" if session_.is_cancelled else "REQUEST"
    data = session_invitation(session_, recipient.email, recipient.name, method=method)
    return Attachment(
        filename="invite.ics" if method == "REQUEST" else "cancel.ics",
        content_type=f'text/calendar; charset="utf-8"; method={method}',
        data=data,
    )


@dataclass(frozen=True)
class Rendered:
    """A mail written from the registry, with the placeholder values it was written from."""

    event: str
    subject: str
    text: str
    html: str
    values: dict


def _render(event: str, session_: ConferenceSession, recipient: Recipient, **context):
    """Write an event's mail in the recipient's language (the edition's override if any)."""
    context = {"recipient": recipient, "item": session_, **context}
    subject, text, html = render_notification(event, session_.edition_id, recipient.locale, context)
    return Rendered(event, subject, text, html, flatten(EVENTS[event], context))


def _fold_key(session_: ConferenceSession, recipient: Recipient) -> str:
    digest = hashlib.sha256(recipient.email.lower().encode()).hexdigest()[:16]
    return f"program.session:{session_.id}:{digest}:"


def _waiting_mail(prefix: str, now: datetime) -> OutboxMessage | None:
    """The newest mail about a session to one person that still waits and may be rewritten."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.startswith(prefix, autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at > now,
            OutboxMessage.created_at > now - FOLD_MAX,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
        # A worker claiming it right now holds its lock: then a new mail is queued instead.
        .with_for_update(skip_locked=True)
    )


def _rewrite(
    waiting: OutboxMessage, mail: Rendered, attachment: Attachment, *, send_at: datetime
) -> None:
    """Give a waiting mail the bodies and invitation of the latest change, sent at ``send_at``."""
    subject = one_line(mail.subject)
    text, html = finish_bodies(
        mail.text,
        mail.html,
        subject=subject,
        category=waiting.category,
        recipient=waiting.recipient,
        locale=waiting.locale,
    )
    waiting.kind = mail.event
    waiting.subject = subject
    waiting.body_text = text
    waiting.body_html = html
    waiting.template_event = mail.event
    waiting.template_context = mail.values
    waiting.next_attempt_at = send_at
    waiting.attachments[:] = [
        OutboxAttachment(
            filename=attachment.filename,
            content_type=attachment.content_type,
            data=attachment.data,
        )
    ]
    db.session.flush()


def _queue_folded(
    session_: ConferenceSession,
    recipient: Recipient,
    *,
    mail: Rendered,
    attachment: Attachment,
    actor: User | None,
) -> OutboxMessage:
    """Rewrite this person's still-waiting mail about the session, or queue a new one."""
    now = utcnow()
    prefix = _fold_key(session_, recipient)
    waiting = _waiting_mail(prefix, now)
    if waiting is not None:
        _rewrite(waiting, mail, attachment, send_at=now + FOLD_DELAY)
        logger.info("folded a change of session %s into mail %s", session_.id, waiting.id)
        return waiting
    message = queue_email(
        kind=mail.event,
        recipient=recipient.email,
        recipient_name=recipient.name,
        recipient_user=recipient.user,
        locale=recipient.locale,
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        edition_id=session_.edition_id,
        dedupe_key=f"{prefix}{now.timestamp():.6f}",
        attachments=[attachment],
        created_by=actor,
        template_event=mail.event,
        template_context=mail.values,
        layout=True,
    )
    message.next_attempt_at = now + FOLD_DELAY
    db.session.flush()
    return message


# Up to this many people, a change's mails are written with the change (the organiser finds
# them in the outbox at once); beyond, one outbox job is queued and the outbox worker
# writes them, so moving a session that fifty attendees starred does not render fifty
# mails and invitations inside the organiser's request.
WRITTEN_WITH_THE_CHANGE = 10
AUDIENCE_JOB = "job.program.session_changed"


def notify_session_changed(
    session_: ConferenceSession, *, cancelled: bool = False, actor: User | None = None
) -> list[OutboxMessage]:
    """Tell the session's speakers and the attendees who starred it that it changed.

    A cancelled session gets a cancellation mail. Mails of one person about one session
    fold into one while they wait in the outbox. For more than
    ``WRITTEN_WITH_THE_CHANGE`` people, one job is queued instead (in the same
    transaction) and the outbox worker writes the same mails.

    :param cancelled: the change is the cancellation itself.
    :returns: the mails written now (none when the worker writes them).
    """
    recipients = session_recipients(session_)
    if len(recipients) > WRITTEN_WITH_THE_CHANGE:
        queue_job(
            AUDIENCE_JOB,
            {
                "session_id": session_.id,
                "cancelled": cancelled,
                "actor_id": actor.id if actor is not None else None,
            },
        )
        return []
    return _write_change_mails(session_, recipients, cancelled=cancelled, actor=actor)


def _write_change_mails(
    session_: ConferenceSession,
    recipients: list[Recipient],
    *,
    cancelled: bool,
    actor: User | None,
) -> list[OutboxMessage]:
    is_cancelled = cancelled or session_.is_cancelled
    event = "program.session_cancelled" if is_cancelled else "program.session_changed"
    link = absolute_link("program.session_page", id=session_.id)
    when, place = _when(session_), _place(session_)
    messages = []
    for recipient in recipients:
        mail = _render(event, session_, recipient, when=when, place=place, link=link)
        messages.append(
            _queue_folded(
                session_, recipient, mail=mail, attachment=itip(session_, recipient), actor=actor
            )
        )
    return messages


def _write_audience_mails(arguments: dict) -> None:
    """The outbox job of a change with a large audience: write its mails as they stand now."""
    session_ = db.session.get(ConferenceSession, arguments["session_id"])
    if session_ is None:  # deleted since: its deletion told whom it had to
        return
    actor_id = arguments.get("actor_id")
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    _write_change_mails(
        session_,
        session_recipients(session_),
        cancelled=bool(arguments.get("cancelled")),
        actor=actor,
    )


register_job(AUDIENCE_JOB, _write_audience_mails)


def notify_invitation(place: SessionSpeaker, token: str, *, actor: User | None = None):
    """Queue a speaker's invitation to a session, with its confirm-or-decline link."""
    speaker = place.speaker
    session_ = place.session
    locale = (speaker.user.locale if speaker.user is not None else None) or _default_locale()
    recipient = Recipient(speaker.email, speaker.name, locale, speaker.user)
    mail = _render(
        "program.speaker_invitation",
        session_,
        recipient,
        edition=session_.edition,
        when=_when(session_),
        place=_place(session_),
        link=absolute_link("program.session_page", id=session_.id),
        respond_link=absolute_link("program.invitation", token=token),
    )
    return queue_email(
        kind=mail.event,
        recipient=recipient.email,
        recipient_name=recipient.name,
        recipient_user=recipient.user,
        locale=locale,
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        edition_id=session_.edition_id,
        attachments=[itip(session_, recipient)],
        created_by=actor,
        template_event=mail.event,
        template_context=mail.values,
        layout=True,
    )
