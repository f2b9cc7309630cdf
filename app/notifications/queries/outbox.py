"""Reads of an edition's outbox: lists, counts, one message, the announcements' tallies."""

from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import func, select

from app.errors import NotFound
from app.extensions import db
from app.models import Announcement, Edition, OutboxMessage, OutboxStatus, User

PAGE_SIZE = 100


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
    query = draft_clause(edition, kind=kind, ids=ids)
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(*query))


def message_of(edition: Edition, message_id: int) -> OutboxMessage:
    """Return a message of the edition.

    :raises NotFound: if it does not exist or belongs to another edition.
    """
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.edition_id != edition.id:
        raise NotFound("No such message.")
    return message


def draft_clause(edition: Edition, *, kind=None, ids=None, announcement_id=None) -> list:
    """The WHERE clauses that pick an edition's drafts: of a kind, by ids, of an announcement."""
    clause = [OutboxMessage.edition_id == edition.id, OutboxMessage.status == OutboxStatus.DRAFT]
    if kind:
        clause.append(OutboxMessage.kind == kind)
    if ids is not None:
        clause.append(OutboxMessage.id.in_(list(ids)))
    if announcement_id is not None:
        clause.append(OutboxMessage.announcement_id == announcement_id)
    return clause


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


def user_name(user_id: int | None) -> str | None:
    """Return the display name of the account ``user_id``, or None."""
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    return user.display_name if user is not None else None
