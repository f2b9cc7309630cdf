"""Agreement reminders: commitments coming due or late, agreements about to expire.

Each reminder carries a dedupe key naming the commitment (or agreement), the occasion,
the date it is about and the recipient, so running the daily job twice sends nothing
twice, while a due date that moves earns a fresh reminder.
"""

import logging
from collections import Counter
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.agreements import queries
from app.extensions import db
from app.models import Agreement, Commitment, OutboxMessage, User
from app.notifications.services import queue_templated_email
from app.organisations.queries import delegates

logger = logging.getLogger(__name__)


def agreement_link(agreement: Agreement) -> str:
    """Return the public address of an agreement's page (it works from the command line)."""
    return f"{current_app.config['AGORA_BASE_URL']}/agreements/{agreement.id}"


def commitment_recipients(commitment: Commitment) -> list[User]:
    """The agreement's owner and the delegates of the party that made the commitment."""
    found: dict[int, User] = {}
    owner = commitment.agreement.owner
    if owner is not None and not owner.is_disabled:
        found[owner.id] = owner
    if commitment.party is not None:
        for user in delegates(commitment.party.organisation_id):
            found.setdefault(user.id, user)
    return list(found.values())


def due_occasion(commitment: Commitment, today: date) -> tuple[str, int] | None:
    """Return which reminder ``commitment`` calls for on ``today``, or None.

    ``("due", 30)`` within 30 days of its due date, ``("due", 7)`` within 7 days (a
    commitment first seen 5 days before gets only the 7-day one), ``("late", 0)`` after
    it; nothing once the target is met.
    """
    state = queries.commitment_state(commitment, today)
    if state.status is queries.CommitmentStatus.MET:
        return None
    days_left = (commitment.due_date - today).days
    if days_left < 0:
        return ("late", 0)
    for threshold in sorted(queries.DUE_REMINDER_DAYS):
        if days_left <= threshold:
            return ("due", threshold)
    return None


def send_reminders(today: date | None = None) -> Counter:
    """Queue the day's reminders in the outbox; flush only, the caller commits.

    :returns: how many mails were queued, by kind (``due``, ``late``, ``expiring``).
    """
    today = today or date.today()
    counts = _queue_commitment_reminders(today) + _queue_expiry_reminders(today)
    logger.info("agreement reminders queued: %s", dict(counts))
    return counts


def _queue_commitment_reminders(today: date) -> Counter:
    """Queue the reminders of commitments coming due or late; count them by kind."""
    counts: Counter = Counter()
    for commitment in queries.followed_commitments():
        occasion = due_occasion(commitment, today)
        if occasion is None:
            continue
        what, days = occasion
        state = queries.commitment_state(commitment, today)
        for user in commitment_recipients(commitment):
            key = (
                f"agreements.commitment_{what}:{commitment.id}:{days}:"
                f"{commitment.due_date.isoformat()}:{user.id}"
            )
            if _queue(
                template=f"agreements/commitment_{what}",
                user=user,
                subject=(
                    _l("Due in %(days)s days: %(title)s", days=days, title=commitment.title)
                    if what == "due"
                    else _l("Late: %(title)s", title=commitment.title)
                ),
                kind=f"agreements.commitment_{what}",
                key=key,
                context={
                    "commitment": commitment,
                    "agreement": commitment.agreement,
                    "state": state,
                    "days": days,
                    "link": agreement_link(commitment.agreement),
                    "number": queries.format_number,
                    "status_labels": queries.COMMITMENT_LABELS,
                },
                edition_id=commitment.agreement.edition_id,
            ):
                counts[what] += 1
    return counts


def _queue_expiry_reminders(today: date) -> Counter:
    """Queue the reminders of agreements about to end to their owners; count them."""
    counts: Counter = Counter()
    for agreement in queries.agreements_expiring(today):
        owner = agreement.owner
        if owner.is_disabled:
            continue
        key = f"agreements.expiring:{agreement.id}:{agreement.expiry_date.isoformat()}:{owner.id}"
        if _queue(
            template="agreements/agreement_expiring",
            user=owner,
            subject=_l("Agreement ending soon: %(title)s", title=agreement.title),
            kind="agreements.expiring",
            key=key,
            context={
                "agreement": agreement,
                "days": (agreement.expiry_date - today).days,
                "link": agreement_link(agreement),
            },
            edition_id=agreement.edition_id,
        ):
            counts["expiring"] += 1
    return counts


def _queue(*, template, user, subject, kind, key, context, edition_id) -> bool:
    """Queue one reminder unless its key was queued before; tell whether it is new."""
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return False
    queue_templated_email(
        template=template,
        user=user,
        subject=subject,
        kind=kind,
        context=context,
        dedupe_key=key,
        edition_id=edition_id,
    )
    return True
