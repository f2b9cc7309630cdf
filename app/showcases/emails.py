"""Showcase mails, queued in the outbox: the acknowledgement and the decisions.

The acknowledgement of a submission is sent at once. A
decision mail is a draft until an organiser releases it; it carries a dedupe key per
showcase and decision, so the same decision is never announced twice.
"""

from sqlalchemy import delete, select

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, Showcase, User
from app.notifications.services import queue_templated_email
from app.organisations.queries import delegates
from app.urls import absolute_link


def showcase_link(showcase: Showcase) -> str:
    return absolute_link("showcases.showcase", id=showcase.id)


def notify_received(showcase: Showcase, user: User) -> OutboxMessage:
    """Acknowledge a submission to whoever submitted it (once per showcase)."""
    return queue_templated_email(
        template="showcases/received",
        user=user,
        kind="showcases.received",
        context={
            "showcase": showcase,
            "edition": showcase.edition,
            "link": showcase_link(showcase),
        },
        edition_id=showcase.edition_id,
        dedupe_key=f"showcases.received:{showcase.id}",
    )


def decision_recipient(showcase: Showcase) -> User | None:
    """Who hears of a decision: the submitter, else the organisation's first delegate."""
    submitter = showcase.submitted_by
    if (
        submitter is not None
        and not submitter.is_disabled
        and submitter.organisation_id == showcase.organisation_id
    ):
        return submitter
    return min(delegates(showcase.organisation_id), key=lambda user: user.id, default=None)


def decision_key(showcase: Showcase, state: str) -> str:
    return f"showcases.decision:{showcase.id}:{state}"


def draft_decision(showcase: Showcase, by: User | None) -> tuple[OutboxMessage | None, bool]:
    """Draft the mail of the showcase's current decision, replacing an unreleased draft.

    Returns the draft (None when there is nobody to write to or the decision was already
    announced) and whether the organisation was already told this very decision.
    """
    state = showcase.status.value
    key = decision_key(showcase, state)
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.DRAFT,
            OutboxMessage.dedupe_key.like(f"showcases.decision:{showcase.id}:%"),
            OutboxMessage.dedupe_key != key,
        )
    )
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
    if existing is not None:
        if existing.status is OutboxStatus.DRAFT:
            return existing, False
        return None, True
    recipient = decision_recipient(showcase)
    if recipient is None:
        return None, False
    return (
        queue_templated_email(
            template=f"showcases/decision_{state}",
            user=recipient,
            kind=f"showcases.decision.{state}",
            context={
                "showcase": showcase,
                "edition": showcase.edition,
                "organisation": showcase.organisation,
                "link": showcase_link(showcase),
            },
            edition_id=showcase.edition_id,
            dedupe_key=key,
            draft=True,
            created_by=by,
        ),
        False,
    )
