"""Mails of thinklab members, through the outbox: meeting invitations, the daily digest.

A member added to a thinklab, and every member when the organiser changes the meetings,
gets a mail carrying an iTIP (RFC 5546) invitation with the thinklab feed's UID, so their
calendar keeps one recurring event that follows the changes:

- a new member, a changed recurrence, a moved or restored meeting: ``REQUEST`` of the
  whole series as it stands (master, EXDATE, RECURRENCE-ID overrides);
- a skipped meeting: ``CANCEL`` of that occurrence (its RECURRENCE-ID);
- a removed member: ``CANCEL`` of the whole series, and their waiting ``REQUEST`` is
  discarded so that it never brings the meetings back.

Members are the people the meetings are for, so these mails are transactional: they go
to every member with an email, whatever their choices of optional mails. A burst of
changes yields one mail per member: a ``REQUEST`` waits ``FOLD_DELAY`` in the outbox and
a later change rewrites it (body and invitation show the final state), as the
programme's session mails do. A cancellation goes at once and brings the waiting
``REQUEST`` of the same member up to date, so that it never undoes the cancellation.

Mails are written in the member's language under the registry's event
``thinklabs.meeting``: an edition's override of that event applies, and the placeholder
values are kept with the message so that an organiser can regenerate a waiting one.
"""

import hashlib
import html
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import nh3
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Contribution,
    MeetingChange,
    OutboxAttachment,
    OutboxMessage,
    OutboxStatus,
    Thinklab,
    ThinklabMember,
    User,
    Venue,
    utcnow,
)
from app.notifications.services import (
    EVENTS,
    Attachment,
    finish_bodies,
    flatten,
    one_line,
    queue_email,
    queue_templated_email,
    render_notification,
)
from app.thinklabs.queries import recurrence
from app.thinklabs.queries.contributions import safe_body
from app.thinklabs.queries.recurrence import InvalidRecurrence
from app.timezones import day_start_utc, utc_to_local

logger = logging.getLogger(__name__)

EVENT = "thinklabs.meeting"
FOLD_DELAY = timedelta(minutes=5)
FOLD_MAX = timedelta(minutes=30)

ADDED, UPDATED, MOVED, RESTORED, CANCELLED = "added", "updated", "moved", "restored", "cancelled"
REMOVED = "removed"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    values: dict


def _default_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def member_users(thinklab: Thinklab) -> list[User]:
    """The members who can be written to: those with an account and an email, once each."""
    found: dict[str, User] = {}
    for member in thinklab.members:
        user = member.user
        if user is not None and user.email:
            found.setdefault(user.email.lower(), user)
    return list(found.values())


def _span(starts: datetime, ends: datetime, zone: str) -> str:
    if starts.date() == ends.date():
        return f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M} ({zone})"
    return f"{starts:%Y-%m-%d %H:%M} – {ends:%Y-%m-%d %H:%M} ({zone})"


def _next_meeting(thinklab: Thinklab) -> str:
    """The next meeting that takes place, or the first one when none is ahead."""
    zone = thinklab.timezone
    try:
        ahead = recurrence.upcoming(thinklab, datetime.now(UTC), 1)
    except InvalidRecurrence:
        ahead = []
    for occurrence in ahead:
        if not occurrence.is_cancelled:
            starts = occurrence.starts_in(zone).replace(tzinfo=None)
            ends = utc_to_local(occurrence.ends_at, zone).replace(tzinfo=None)
            return _span(starts, ends, zone)
    first = thinklab.first_meeting_local
    return _span(first, first + timedelta(minutes=thinklab.meeting_minutes), zone)


def _place(thinklab: Thinklab, change: MeetingChange | None = None) -> str:
    venue_id = change.venue_id if change is not None and change.venue_id else thinklab.venue_id
    parts = []
    if venue_id is not None:
        venue = db.session.get(Venue, venue_id)
        if venue is not None:
            parts.append(f"{venue.name}, {venue.town}" if venue.town else venue.name)
    if thinklab.location and thinklab.location not in parts:
        parts.append(thinklab.location)
    if thinklab.online_url:
        parts.append(thinklab.online_url)
    return " · ".join(parts)


def _render(thinklab: Thinklab, user: User, change: str, **context) -> Rendered:
    """Write the mail of one change in ``user``'s language (the edition's override if any)."""
    locale = user.locale or _default_locale()
    event = EVENTS[EVENT]
    context = {
        "user": user,
        "thinklab": thinklab,
        "link": f"{current_app.config['AGORA_BASE_URL'].rstrip('/')}/thinklabs/{thinklab.slug}",
        "change": change,
        **context,
    }
    context.setdefault("original", "")
    context.setdefault("note", "")
    subject, text, html = render_notification(EVENT, thinklab.edition_id, locale, context)
    return Rendered(subject, text, html, flatten(event, context))


def _attachment(thinklab: Thinklab, user: User, method: str, occurrence=None) -> Attachment:
    # Imported here: the calendars blueprint imports the auth routes, which (through the
    # editions and thinklabs blueprints) import this module.
    from app.calendars.ical import thinklab_invitation

    data = thinklab_invitation(
        thinklab, user.email, user.display_name, method=method, occurrence=occurrence
    )
    return Attachment(
        filename="invite.ics" if method == "REQUEST" else "cancel.ics",
        content_type=f'text/calendar; charset="utf-8"; method={method}',
        data=data,
    )


def _fold_prefix(thinklab: Thinklab, user: User) -> str:
    digest = hashlib.sha256(user.email.lower().encode()).hexdigest()[:16]
    return f"thinklabs.thinklab:{thinklab.id}:{digest}:"


def _waiting(thinklab: Thinklab, user: User) -> OutboxMessage | None:
    """This member's invitation about the thinklab that still waits in the outbox."""
    now = utcnow()
    return db.session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.startswith(_fold_prefix(thinklab, user), autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at > now,
            OutboxMessage.created_at > now - FOLD_MAX,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
        # A worker claiming it right now holds its lock: then a new mail is queued instead.
        .with_for_update(skip_locked=True)
    )


def _queue_event_mail(
    thinklab: Thinklab,
    user: User,
    mail: Rendered,
    attachment: Attachment,
    *,
    actor: User | None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a rendered thinklab event mail to ``user`` with its calendar attachment."""
    return queue_email(
        kind=EVENT,
        recipient=user.email,
        recipient_name=user.display_name,
        recipient_user=user,
        locale=user.locale or _default_locale(),
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        edition_id=thinklab.edition_id,
        dedupe_key=dedupe_key,
        attachments=[attachment],
        created_by=actor,
        template_event=EVENT,
        template_context=mail.values,
        layout=True,
    )


def _set_attachment(message: OutboxMessage, attachment: Attachment) -> None:
    message.attachments[:] = [
        OutboxAttachment(
            filename=attachment.filename,
            content_type=attachment.content_type,
            data=attachment.data,
        )
    ]


def _request(
    thinklab: Thinklab, user: User, change: str, *, actor: User | None, **context
) -> OutboxMessage | None:
    """Queue this member's REQUEST, or rewrite the one still waiting."""
    now = utcnow()
    waiting = _waiting(thinklab, user)
    if waiting is not None:
        # The member reads one mail: a new member keeps the invitation's wording, and
        # different changes folded together read as one change of the meetings.
        before = (waiting.dedupe_key or "").removeprefix(_fold_prefix(thinklab, user))
        before = before.split(":", 1)[0]
        if before == ADDED:
            change = ADDED
        elif before != change:
            change = UPDATED
        if change in (ADDED, UPDATED):
            context = {"when": _next_meeting(thinklab), "place": _place(thinklab)}
    mail = _render(thinklab, user, change, **context)
    attachment = _attachment(thinklab, user, "REQUEST")
    if waiting is not None:
        subject = one_line(mail.subject)
        text, html = finish_bodies(
            mail.text,
            mail.html,
            subject=subject,
            category=waiting.category,
            recipient=waiting.recipient,
            locale=waiting.locale,
        )
        waiting.subject = subject
        waiting.body_text = text
        waiting.body_html = html
        waiting.template_context = mail.values
        waiting.dedupe_key = f"{_fold_prefix(thinklab, user)}{change}:{now.timestamp():.6f}"
        waiting.next_attempt_at = now + FOLD_DELAY
        _set_attachment(waiting, attachment)
        db.session.flush()
        logger.info("folded a change of thinklab %s into mail %s", thinklab.id, waiting.id)
        return waiting
    message = _queue_event_mail(
        thinklab,
        user,
        mail,
        attachment,
        actor=actor,
        dedupe_key=f"{_fold_prefix(thinklab, user)}{change}:{now.timestamp():.6f}",
    )
    if message is not None:
        message.next_attempt_at = now + FOLD_DELAY
        db.session.flush()
    return message


def _has_meetings(thinklab: Thinklab) -> bool:
    return thinklab.first_meeting_local is not None


def notify_member_added(
    thinklab: Thinklab, user: User | None, *, actor: User | None = None
) -> OutboxMessage | None:
    """Invite a new member to the whole series (nothing for a member without an email)."""
    if user is None or not user.email or not _has_meetings(thinklab):
        return None
    return _request(
        thinklab,
        user,
        ADDED,
        actor=actor,
        when=_next_meeting(thinklab),
        place=_place(thinklab),
    )


def notify_series_changed(
    thinklab: Thinklab, *, actor: User | None = None, change: str = UPDATED
) -> list[OutboxMessage]:
    """Send every member the updated series (after a change of the rule, times or place)."""
    if not _has_meetings(thinklab):
        return []
    when, place = _next_meeting(thinklab), _place(thinklab)
    return [
        message
        for user in member_users(thinklab)
        if (message := _request(thinklab, user, change, actor=actor, when=when, place=place))
    ]


def notify_meeting_moved(
    thinklab: Thinklab, change: MeetingChange, *, actor: User | None = None
) -> list[OutboxMessage]:
    """Send every member the series with the moved meeting's override."""
    zone = thinklab.timezone
    original = _span(
        change.original_local,
        change.original_local + timedelta(minutes=thinklab.meeting_minutes),
        zone,
    )
    when, place = _span(change.starts_local, change.ends_local, zone), _place(thinklab, change)
    return [
        message
        for user in member_users(thinklab)
        if (
            message := _request(
                thinklab,
                user,
                MOVED,
                actor=actor,
                when=when,
                place=place,
                original=original,
                note=change.note,
            )
        )
    ]


def notify_meeting_restored(
    thinklab: Thinklab, original_local: datetime, *, actor: User | None = None
) -> list[OutboxMessage]:
    """Send every member the series in which the meeting follows the rule again."""
    when = _span(
        original_local,
        original_local + timedelta(minutes=thinklab.meeting_minutes),
        thinklab.timezone,
    )
    place = _place(thinklab)
    return [
        message
        for user in member_users(thinklab)
        if (message := _request(thinklab, user, RESTORED, actor=actor, when=when, place=place))
    ]


def notify_meeting_skipped(
    thinklab: Thinklab, change: MeetingChange, *, actor: User | None = None
) -> list[OutboxMessage]:
    """Send every member the cancellation of one meeting, at once."""
    when = _span(
        change.original_local,
        change.original_local + timedelta(minutes=thinklab.meeting_minutes),
        thinklab.timezone,
    )
    messages = []
    for user in member_users(thinklab):
        mail = _render(thinklab, user, CANCELLED, when=when, place="", note=change.note)
        message = _queue_event_mail(
            thinklab,
            user,
            mail,
            _attachment(thinklab, user, "CANCEL", occurrence=change),
            actor=actor,
        )
        if message is None:
            continue
        messages.append(message)
        waiting = _waiting(thinklab, user)
        if waiting is not None:
            # The waiting REQUEST must not bring the meeting back: it now carries the
            # EXDATE and the higher SEQUENCE.
            _set_attachment(waiting, _attachment(thinklab, user, "REQUEST"))
    db.session.flush()
    return messages


def discard_waiting(thinklab: Thinklab, user: User) -> int:
    """Discard every invitation of this member about the thinklab not sent yet.

    Unlike folding, this takes any pending one, even past the fold window: after a
    removal none of them may reach the member. A message a worker is sending right now
    is SENDING, not PENDING; the cancellation queued after it carries a higher SEQUENCE.

    :returns: how many were discarded.
    """
    waiting = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.startswith(_fold_prefix(thinklab, user), autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .with_for_update(skip_locked=True)
    ).all()
    for message in waiting:
        message.status = OutboxStatus.DISCARDED
    db.session.flush()
    return len(waiting)


def notify_member_removed(
    thinklab: Thinklab, user: User | None, *, actor: User | None = None
) -> OutboxMessage | None:
    """Withdraw the whole series from a former member's calendar, at once.

    The caller has raised ``Thinklab.sequence`` above every SEQUENCE the member got.
    Nothing for a member without an email or a thinklab without meetings (no invitation
    was ever sent then).
    """
    if user is None or not user.email:
        return None
    discard_waiting(thinklab, user)
    if not _has_meetings(thinklab):
        return None
    mail = _render(thinklab, user, REMOVED, when="", place="")
    message = _queue_event_mail(
        thinklab, user, mail, _attachment(thinklab, user, "CANCEL"), actor=actor
    )
    db.session.flush()
    return message


# The daily digest --------------------------------------------------------------------------

DIGEST_SUBJECT = _l("Yesterday in your thinklabs")


def _digest_readers() -> list[tuple[User, list[Thinklab]]]:
    """The active people who asked for the digest, each with the thinklabs they sit in."""
    members = db.session.scalars(
        select(ThinklabMember)
        .where(ThinklabMember.wants_digest.is_(True), ThinklabMember.user_id.is_not(None))
        .options(selectinload(ThinklabMember.thinklab), selectinload(ThinklabMember.user))
        .order_by(ThinklabMember.user_id, ThinklabMember.thinklab_id)
    )
    by_user: dict[int, tuple[User, list[Thinklab]]] = {}
    for member in members:
        if member.user is None or not member.user.is_active:
            continue
        by_user.setdefault(member.user_id, (member.user, []))[1].append(member.thinklab)
    return list(by_user.values())


def _digest_section(thinklab: Thinklab, user: User, day: date) -> tuple | None:
    """``day``'s posts of ``thinklab`` by others than ``user``, as the digest shows them."""
    start = day_start_utc(day, thinklab.timezone)
    end = day_start_utc(day + timedelta(days=1), thinklab.timezone)
    posts = list(
        db.session.scalars(
            select(Contribution)
            .where(
                Contribution.thinklab_id == thinklab.id,
                Contribution.created_at >= start,
                Contribution.created_at < end,
                Contribution.author_id.is_distinct_from(user.id),
            )
            .options(selectinload(Contribution.author), selectinload(Contribution.files))
            .order_by(Contribution.created_at, Contribution.id)
        )
    )
    if not posts:
        return None
    link = f"{current_app.config['AGORA_BASE_URL']}/thinklabs/{thinklab.slug}"
    return (
        thinklab,
        link,
        [
            (
                p,
                safe_body(p),
                html.unescape(nh3.clean(p.body_html, tags=set())).strip(),
                utc_to_local(p.created_at, thinklab.timezone),
            )
            for p in posts
        ],
    )


def queue_digests(day: date) -> int:
    """Queue one digest per person who asked, with ``day``'s contributions of their thinklabs.

    ``day`` is read on each thinklab's own clock. A person's own posts are left out and
    nobody gets an empty digest. The outbox's ``dedupe_key`` (person and day) makes a
    second run for the same day queue nothing.

    :returns: how many digests were queued by this run.
    """
    queued = 0
    for user, thinklabs in _digest_readers():
        sections = [_digest_section(thinklab, user, day) for thinklab in thinklabs]
        sections = [section for section in sections if section is not None]
        if not sections:
            continue
        key = f"thinklabs.digest:{user.id}:{day.isoformat()}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        queue_templated_email(
            template="thinklabs/digest",
            user=user,
            subject=DIGEST_SUBJECT,
            kind="thinklabs.digest",
            context={"sections": sections, "day": day},
            dedupe_key=key,
        )
        queued += 1
    return queued
