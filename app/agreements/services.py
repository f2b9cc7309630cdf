"""Agreement queries: who may see one, and how its commitments stand."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementTransition,
    Commitment,
    User,
)
from app.permissions import can_organise, is_signed_in, is_site_organiser

KIND_LABELS = {
    AgreementKind.MOU: _l("Memorandum of understanding"),
    AgreementKind.CONVENTION: _l("Convention"),
    AgreementKind.PROTOCOL: _l("Protocol"),
    AgreementKind.TWINNING: _l("Twinning"),
    AgreementKind.PPP: _l("Public-private partnership"),
    AgreementKind.SPONSORSHIP: _l("Sponsorship"),
    AgreementKind.PATRONAGE: _l("Patronage"),
}
STATUS_LABELS = {
    AgreementStatus.DRAFT: _l("Draft"),
    AgreementStatus.NEGOTIATION: _l("In negotiation"),
    AgreementStatus.SIGNED: _l("Signed"),
    AgreementStatus.ACTIVE: _l("Active"),
    AgreementStatus.EXPIRED: _l("Expired"),
    AgreementStatus.TERMINATED: _l("Terminated"),
}


@dataclass(frozen=True)
class CommitmentState:
    """Where a commitment stands: its latest value, when it was met, whether it is late."""

    commitment: Commitment
    latest: Decimal | None
    percent: int
    reached_on: date | None
    is_late: bool


def format_number(value: Decimal | None) -> str:
    """Write a stored amount without its trailing zeros: 50.00 gives "50", 12.50 "12.5"."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def public_agreements() -> list[Agreement]:
    """Return the public agreements, newest first."""
    query = (
        select(Agreement)
        .where(Agreement.is_public.is_(True))
        .order_by(Agreement.effective_date.desc().nulls_last(), Agreement.id.desc())
    )
    return list(db.session.scalars(query))


def agreement_for_page(agreement_id: int) -> Agreement | None:
    """Return the agreement with what its page shows, or None."""
    query = (
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            selectinload(Agreement.edition),
            selectinload(Agreement.signing_session),
            selectinload(Agreement.parties).selectinload(AgreementParty.organisation),
            selectinload(Agreement.transitions).selectinload(AgreementTransition.actor),
            selectinload(Agreement.commitments).selectinload(Commitment.progress),
            selectinload(Agreement.commitments)
            .selectinload(Commitment.party)
            .selectinload(AgreementParty.organisation),
            selectinload(Agreement.working_groups),
        )
    )
    return db.session.scalar(query)


def can_see_agreement(user: User | None, agreement: Agreement) -> bool:
    """Tell whether ``user`` may see ``agreement``.

    Public agreements are for everyone; a private one only for admins, site organisers,
    its owner, the organisers of its edition and the delegates of its parties.
    """
    if agreement.is_public or is_site_organiser(user):
        return True
    if not is_signed_in(user):
        return False
    if agreement.owner_id == user.id:
        return True
    if user.organisation_id is not None and any(
        party.organisation_id == user.organisation_id for party in agreement.parties
    ):
        return True
    return agreement.edition is not None and can_organise(user, agreement.edition)


def commitment_states(agreement: Agreement, today: date | None = None) -> list[CommitmentState]:
    """Return how each commitment of ``agreement`` stands on ``today``.

    A commitment is late when its target was reached after the due date, or when the
    due date has passed without reaching it.

    :param agreement: an agreement with its commitments and their progress loaded.
    :param today: the reference day; defaults to today.
    """
    today = today or date.today()
    states = []
    for commitment in agreement.commitments:
        progress = commitment.progress
        latest = progress[-1].value if progress else None
        reached_on = next(
            (p.recorded_on for p in progress if p.value >= commitment.target_value), None
        )
        if reached_on is not None:
            is_late = reached_on > commitment.due_date
        else:
            is_late = today > commitment.due_date
        percent = int(min(100, (latest or 0) * 100 / commitment.target_value))
        states.append(CommitmentState(commitment, latest, percent, reached_on, is_late))
    return states
