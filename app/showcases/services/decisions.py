"""Decisions: accepting, waitlisting or rejecting showcases, their mails, their announcement."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from app import audit, signals
from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.models import Edition, OutboxMessage, OutboxStatus, Showcase, ShowcaseStatus, User, utcnow
from app.notifications.services import drafts_released, release
from app.showcases import emails
from app.showcases.queries.rules import (
    DECIDABLE,
    DECISION_MAIL_PREFIX,
    DECISIONS,
    STATUS_LABELS,
    S,
    clean_text,
)
from app.showcases.services.placement import free_place
from app.showcases.services.transitions import record_transition


@dataclass
class Decided:
    showcase: Showcase
    changed: bool
    mail: OutboxMessage | None = None
    already_told: bool = False


def decide(
    showcase: Showcase, decision: ShowcaseStatus, by: User | None, note: str = ""
) -> Decided:
    """Accept, waitlist or reject a showcase, record it and draft the decision mail.

    Taking the same decision again changes nothing. Changing a decision whose mail is
    still a draft replaces the draft; a decision already announced by a released mail
    is never announced twice.

    :raises InvalidInput: if ``decision`` is not a decision.
    :raises Conflict: if the showcase is a draft or withdrawn.
    """
    if decision not in DECISIONS:
        raise InvalidInput(_("Choose accept, waitlist or reject."))
    if showcase.status not in DECIDABLE:
        raise Conflict(
            _(
                "“%(title)s” is %(status)s: no decision can be taken on it.",
                title=showcase.title,
                status=str(STATUS_LABELS[showcase.status]).lower(),
            )
        )
    if showcase.status is decision:
        return Decided(showcase, False)
    if decision is not S.ACCEPTED:
        free_place(showcase)
    record_transition(showcase, decision, by, clean_text(note))
    showcase.decided_at = utcnow()
    audit.record("showcase.decided", showcase, actor=by)
    db.session.flush()
    mail, already = emails.draft_decision(showcase, by)
    _sync_decision_released([showcase])
    signals.showcase_decided.send(showcase, actor=by, decision=decision)
    return Decided(showcase, True, mail, already)


@dataclass
class BulkResult:
    changed: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def decide_many(
    edition: Edition, showcase_ids: list[int], decision: ShowcaseStatus, by: User, note=""
) -> BulkResult:
    """Take one decision on several showcases of ``edition``; refused ones are listed."""
    if decision not in DECISIONS:
        raise InvalidInput(_("Choose accept, waitlist or reject."))
    if not showcase_ids:
        raise InvalidInput(_("Tick the showcases to decide on."))
    showcases = list(
        db.session.scalars(
            select(Showcase)
            .where(Showcase.id.in_(showcase_ids), Showcase.edition_id == edition.id)
            .order_by(Showcase.id)
        )
    )
    result = BulkResult()
    for showcase in showcases:
        try:
            with db.session.begin_nested():
                outcome = decide(showcase, decision, by, note)
        except (Conflict, InvalidInput) as error:
            result.refused.append(error.message)
            continue
        if outcome.changed:
            result.changed += 1
        else:
            result.unchanged += 1
    missing = len(set(showcase_ids)) - len(showcases)
    if missing:
        result.refused.append(
            ngettext(
                "%(num)d showcase is not of this edition and was left alone.",
                "%(num)d showcases are not of this edition and were left alone.",
                missing,
            )
        )
    return result


def drop_draft_decision_mails(showcase: Showcase) -> None:
    """Drop the decision mails of ``showcase`` not released yet (it was withdrawn)."""
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.DRAFT,
            OutboxMessage.dedupe_key.like(f"showcases.decision:{showcase.id}:%"),
        )
    )


def release_mails(edition: Edition, message_ids: list[int], by: User) -> int:
    """Let the worker send the given decision drafts of ``edition``; return how many.

    Only the decision drafts among ``message_ids`` are released, by the outbox's one
    guarded update, so releasing twice sends nothing twice.
    """
    if not message_ids:
        return 0
    decision_drafts = db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.id.in_(message_ids),
            OutboxMessage.edition_id == edition.id,
            OutboxMessage.status == OutboxStatus.DRAFT,
            OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
        )
    ).all()
    return release(edition, by=by, ids=decision_drafts)


def _released_decision_times(edition_ids: set[int]) -> dict[str, datetime]:
    """The release time of each released decision mail of these editions, by dedupe key."""
    rows = db.session.execute(
        select(OutboxMessage.dedupe_key, func.min(OutboxMessage.released_at))
        .where(
            OutboxMessage.edition_id.in_(edition_ids),
            OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
            OutboxMessage.released_at.is_not(None),
        )
        .group_by(OutboxMessage.dedupe_key)
    )
    return {key: at for key, at in rows}


def _sync_decision_released(showcases: list[Showcase]) -> None:
    """Set each showcase's ``decision_released_at`` from the mail of its current decision.

    A decision is announced once the mail of that very decision has been released. A
    changed decision is not announced until its own mail is (so an acceptance turned
    into a rejection leaves the catalogue at once), unless the organisation was already
    told this decision earlier. Decisions marked announced with the programme
    (``announce_decisions``) stay announced while they are unchanged.
    """
    if not showcases:
        return
    released = _released_decision_times({showcase.edition_id for showcase in showcases})
    for showcase in showcases:
        at = None
        if showcase.status in DECISIONS:
            at = released.get(emails.decision_key(showcase, showcase.status.value))
            if at is None and showcase.decision_released_at is not None:
                # Announced otherwise (with the programme) and not changed since.
                if showcase.decided_at and showcase.decided_at <= showcase.decision_released_at:
                    at = showcase.decision_released_at
        if showcase.decision_released_at != at:
            showcase.decision_released_at = at
    db.session.flush()


@drafts_released.connect
def record_released_decisions(edition: Edition, **_signal) -> None:
    """Mark announced the decisions of ``edition`` whose mail has just been released.

    Runs on every release of outbox drafts (the decisions page and the edition's outbox,
    through ``drafts_released``), in the same transaction as the release.
    """
    _sync_decision_released(
        list(
            db.session.scalars(
                select(Showcase).where(
                    Showcase.edition_id == edition.id,
                    Showcase.status.in_(DECISIONS),
                    Showcase.decision_released_at.is_(None),
                )
            )
        )
    )


def announce_decisions(edition: Edition, at: datetime | None = None) -> int:
    """Mark the current decisions of ``edition`` announced without any mail; return how many.

    Publishing an edition's programme announces who is in it: the service that publishes
    the programme (``Edition.programme_published_at``) calls this, so the accepted
    showcases enter the catalogue with it. Decisions taken afterwards are announced by
    their own mail again. The demo uses it for its past decisions.
    """
    at = at or utcnow()
    showcases = list(
        db.session.scalars(
            select(Showcase).where(
                Showcase.edition_id == edition.id,
                Showcase.status.in_(DECISIONS),
                Showcase.decision_released_at.is_(None),
            )
        )
    )
    for showcase in showcases:
        showcase.decision_released_at = max(at, showcase.decided_at or at)
    db.session.flush()
    return len(showcases)
