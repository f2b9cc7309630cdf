"""The organiser outbox of an edition: filter, edit, discard, regenerate, release, resend.

Also announcements (one draft per person of a group) and the audit of each message.
Functions flush and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
from blinker import Namespace
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import (
    Announcement,
    ConferenceSession,
    Edition,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    SessionSpeaker,
    Showcase,
    ShowcaseStatus,
    Speaker,
    Thinklab,
    ThinklabMember,
    User,
    utcnow,
)
from app.notifications.outbox import finish_bodies, one_line, queue_email
from app.notifications.templates import EVENTS, render_notification

logger = logging.getLogger(__name__)

# Sent with the edition, in the release's transaction, when drafted mails are released:
# the areas whose mails wait as drafts (decisions) record what their release announced.
drafts_released = Namespace().signal("drafts-released")

PAGE_SIZE = 100

AUDIENCES = {
    "attendees": _l("All registered attendees"),
    "showcases": _l("Delegates of every accepted showcase"),
    "speakers": _l("All speakers"),
    "thinklab": _l("The members of a thinklab"),
}


def check_address(value: str, *, field: str = "email") -> str:
    """Return the normalised address, or refuse one that cannot receive mail.

    :raises InvalidInput: naming ``field``, if the address is not valid.
    """
    if "\r" in value or "\n" in value:
        raise InvalidInput(str(_l("This email address is not valid.")), field=field)
    try:
        checked = validate_email(
            value.strip(),
            check_deliverability=False,
            test_environment=bool(current_app.config.get("TESTING")),
        )
    except EmailNotValidError as error:
        raise InvalidInput(
            str(_l("This email address is not valid: %(reason)s", reason=str(error))),
            field=field,
        ) from error
    return checked.normalized


# Reading ------------------------------------------------------------------------------------


def status_counts(edition: Edition) -> dict[str, int]:
    """How many of the edition's mails are in each status (every status listed)."""
    counts = {status.value: 0 for status in OutboxStatus}
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.edition_id == edition.id)
        .group_by(OutboxMessage.status)
    )
    for status, count in rows:
        counts[status.value] = count
    return counts


def kinds_of(edition: Edition) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.edition_id == edition.id)
            .distinct()
            .order_by(OutboxMessage.kind)
        )
    )


def _filtered(edition: Edition, *, kind=None, status=None, recipient=None):
    query = select(OutboxMessage).where(OutboxMessage.edition_id == edition.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if status:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    if recipient:
        pattern = f"%{recipient.strip().lower()}%"
        query = query.where(
            sa.or_(
                func.lower(OutboxMessage.recipient).like(pattern),
                func.lower(OutboxMessage.recipient_name).like(pattern),
            )
        )
    return query


def list_messages(edition: Edition, *, kind=None, status=None, recipient=None, page: int = 1):
    """Return ``(messages, total)`` of the edition, newest first, one page at a time."""
    query = _filtered(edition, kind=kind, status=status, recipient=recipient)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    messages = db.session.scalars(
        query.order_by(OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return messages, total


def draft_count(edition: Edition, *, kind: str | None = None, ids=None) -> int:
    """How many mails a release of these drafts would send."""
    query = _draft_clause(edition, kind=kind, ids=ids)
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(*query))


def message_of(edition: Edition, message_id: int) -> OutboxMessage:
    """Return a message of the edition.

    :raises NotFound: if it does not exist or belongs to another edition.
    """
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.edition_id != edition.id:
        raise NotFound("No such message.")
    return message


# Changing drafts ---------------------------------------------------------------------------


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


def _draft_clause(edition: Edition, *, kind=None, ids=None, announcement_id=None) -> list:
    clause = [OutboxMessage.edition_id == edition.id, OutboxMessage.status == OutboxStatus.DRAFT]
    if kind:
        clause.append(OutboxMessage.kind == kind)
    if ids is not None:
        clause.append(OutboxMessage.id.in_(list(ids)))
    if announcement_id is not None:
        clause.append(OutboxMessage.announcement_id == announcement_id)
    return clause


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
        .where(*_draft_clause(edition, kind=kind, ids=ids, announcement_id=announcement_id))
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
        drafts_released.send(edition)
    return result.rowcount


# Announcements -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    locale: str
    user: User | None


def thinklabs_of(edition: Edition) -> list[Thinklab]:
    return list(
        db.session.scalars(
            select(Thinklab).where(Thinklab.edition_id == edition.id).order_by(Thinklab.name)
        )
    )


def _users_people(users) -> list[Person]:
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return [
        Person(user.email, user.display_name, user.locale or default, user)
        for user in users
        if not user.is_disabled
    ]


def group_members(edition: Edition, audience: str, thinklab_id: int | None = None) -> list[Person]:
    """Return the people of a group of the edition, one per address (case-insensitive).

    :raises InvalidInput: for an unknown group or a thinklab of another edition.
    """
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if audience == "attendees":
        people = _users_people(
            db.session.scalars(
                select(User)
                .join(Registration, Registration.user_id == User.id)
                .where(
                    Registration.edition_id == edition.id,
                    Registration.status == RegistrationStatus.REGISTERED,
                )
                .order_by(User.id)
            )
        )
    elif audience == "showcases":
        organisations = select(Showcase.organisation_id).where(
            Showcase.edition_id == edition.id, Showcase.status == ShowcaseStatus.ACCEPTED
        )
        people = _users_people(
            db.session.scalars(
                select(User).where(User.organisation_id.in_(organisations)).order_by(User.id)
            )
        )
    elif audience == "speakers":
        speakers = db.session.scalars(
            select(Speaker)
            .join(SessionSpeaker, SessionSpeaker.speaker_id == Speaker.id)
            .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
            .where(ConferenceSession.edition_id == edition.id)
            .order_by(Speaker.id)
            .distinct()
        )
        people = []
        for speaker in speakers:
            address = speaker.email or (speaker.user.email if speaker.user else None)
            if address:
                locale = (speaker.user.locale if speaker.user else None) or default
                people.append(Person(address, speaker.name, locale, speaker.user))
    elif audience == "thinklab":
        thinklab = db.session.get(Thinklab, thinklab_id) if thinklab_id else None
        if thinklab is None or thinklab.edition_id != edition.id:
            raise InvalidInput(str(_l("Choose a thinklab of this edition.")), field="thinklab_id")
        people = _users_people(
            db.session.scalars(
                select(User)
                .join(ThinklabMember, ThinklabMember.user_id == User.id)
                .where(ThinklabMember.thinklab_id == thinklab.id)
                .order_by(User.id)
            )
        )
    else:
        raise InvalidInput(str(_l("Choose a group.")), field="audience")
    unique: dict[str, Person] = {}
    for person in people:
        unique.setdefault(person.email.strip().lower(), person)
    return list(unique.values())


def create_announcement(
    edition: Edition,
    *,
    audience: str,
    subject: str,
    body: str,
    by: User,
    thinklab_id: int | None = None,
    copy_to: str | None = None,
) -> tuple[Announcement, int]:
    """Write one draft per person of the group; the organiser releases them afterwards.

    People who unsubscribed from announcements get none. ``copy_to`` adds one more
    recipient (checked here, so a wrong address is refused when typed, not when sent).

    :returns: the announcement and how many drafts were written.
    :raises InvalidInput: for an empty subject or text, or an unknown group.
    """
    subject = one_line(subject)
    if not subject:
        raise InvalidInput(str(_l("An announcement needs a subject.")), field="subject")
    if not body.strip():
        raise InvalidInput(str(_l("An announcement needs a text.")), field="body")
    people = group_members(edition, audience, thinklab_id)
    if copy_to and copy_to.strip():
        address = check_address(copy_to, field="copy_to")
        default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
        if address.lower() not in {p.email.strip().lower() for p in people}:
            people.append(Person(address, "", by.locale or default, None))
    announcement = Announcement(
        edition_id=edition.id,
        audience=audience,
        thinklab_id=thinklab_id if audience == "thinklab" else None,
        subject=subject,
        body=body,
        created_by_id=by.id,
    )
    db.session.add(announcement)
    db.session.flush()
    written = 0
    edition_values = {"title": edition.title, "organised_by": edition.organised_by}
    for person in people:
        context = {
            "user.display_name": one_line(person.name) or person.email,
            "edition.title": edition_values["title"],
            "edition.organised_by": edition_values["organised_by"],
            "message": body,
        }
        _subject, text, html = render_notification(
            "notifications.announcement", edition, person.locale, context
        )
        message = queue_email(
            kind="notifications.announcement",
            recipient=person.email,
            recipient_name=person.name,
            recipient_user=person.user,
            locale=person.locale,
            subject=subject,
            body_text=text,
            body_html=html,
            edition_id=edition.id,
            draft=True,
            dedupe_key=f"notifications.announcement:{announcement.id}:{person.email.lower()}",
            created_by=by,
            template_event="notifications.announcement",
            template_context=context,
            announcement_id=announcement.id,
            layout=True,
        )
        if message is not None:
            written += 1
    return announcement, written


def announcements_of(edition: Edition) -> list[SimpleNamespace]:
    """The edition's announcements, newest first, each with its counts per status."""
    found = db.session.scalars(
        select(Announcement)
        .where(Announcement.edition_id == edition.id)
        .order_by(Announcement.id.desc())
    ).all()
    rows = db.session.execute(
        select(OutboxMessage.announcement_id, OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.announcement_id.in_([a.id for a in found]))
        .group_by(OutboxMessage.announcement_id, OutboxMessage.status)
    )
    counts: dict[int, dict[str, int]] = {a.id: {} for a in found}
    for announcement_id, status, count in rows:
        counts[announcement_id][status.value] = count
    return [
        SimpleNamespace(
            announcement=a,
            counts=counts[a.id],
            total=sum(counts[a.id].values()),
            sent=counts[a.id].get("sent", 0),
            drafts=counts[a.id].get("draft", 0),
        )
        for a in found
    ]


def announcement_of(edition: Edition, announcement_id: int) -> Announcement:
    found = db.session.get(Announcement, announcement_id)
    if found is None or found.edition_id != edition.id:
        raise NotFound("No such announcement.")
    return found


def user_name(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    return user.display_name if user is not None else None
