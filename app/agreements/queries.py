"""Reads of agreements: the pages and lists, documents, where commitments stand, labels.

Also what the reminders read: the commitments followed, the agreements about to end.
"""

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formatting import number
from app.models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementTransition,
    Commitment,
    ConferenceSession,
    Edition,
    EditionRole,
    EditionRoleKind,
    SessionKind,
    Thinklab,
    User,
)
from app.permissions import is_site_organiser
from app.thinklabs.queries import upcoming_meetings

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

S = AgreementStatus
# Commitments of these agreements are followed (reminders); others are not yet or no more.
FOLLOWED = (S.SIGNED, S.ACTIVE)


EXPIRY_WINDOW_DAYS = 90
DUE_REMINDER_DAYS = (30, 7)
AT_RISK_RATIO = Decimal("0.8")


def format_number(value: Decimal | None) -> str:
    """Write a stored amount in the reader's language without its trailing zeros: 50.00
    gives "50", 12.50 "12.5" (French "12,5")."""
    return number(value)


def editions_for(user: User) -> list[Edition]:
    """Return the editions ``user`` may link an agreement to, newest first."""
    query = select(Edition).order_by(Edition.start_date.desc(), Edition.id)
    if not is_site_organiser(user):
        query = query.join(EditionRole).where(
            EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
        )
    return list(db.session.scalars(query))


def signing_sessions_for(user: User) -> list[ConferenceSession]:
    """Return the signing ceremonies of the editions ``user`` organises."""
    edition_ids = [edition.id for edition in editions_for(user)]
    if not edition_ids:
        return []
    query = (
        select(ConferenceSession)
        .where(
            ConferenceSession.edition_id.in_(edition_ids),
            ConferenceSession.kind == SessionKind.SIGNING_CEREMONY,
        )
        .options(selectinload(ConferenceSession.edition))
        .order_by(ConferenceSession.starts_at)
    )
    return list(db.session.scalars(query))


# Queries of the pages ----------------------------------------------------------------------


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
            selectinload(Agreement.edition).joinedload(Edition.texts),
            selectinload(Agreement.signing_session),
            selectinload(Agreement.parties).selectinload(AgreementParty.organisation),
            selectinload(Agreement.transitions).selectinload(AgreementTransition.actor),
            selectinload(Agreement.commitments).selectinload(Commitment.progress),
            selectinload(Agreement.commitments)
            .selectinload(Commitment.party)
            .selectinload(AgreementParty.organisation),
            selectinload(Agreement.working_groups).selectinload(Thinklab.occurrence_changes),
        )
    )
    return db.session.scalar(query)


def next_meetings(agreement: Agreement, now=None) -> dict[int, object]:
    """Return the next meeting (an occurrence) of each working group that has one, by id."""
    found = {}
    for group in agreement.working_groups:
        meetings = [m for m in upcoming_meetings(group, now=now, limit=1) if not m.is_cancelled]
        if meetings:
            found[group.id] = meetings[0]
    return found


@dataclass(frozen=True)
class ListFilters:
    """The organiser list's filters, as read from the query string."""

    kind: AgreementKind | None = None
    status: AgreementStatus | None = None
    organisation_id: int | None = None
    expiring_within: int | None = None


def list_agreements(user: User, filters: ListFilters, today: date | None = None) -> list[Agreement]:
    """Return the agreements ``user`` manages that pass ``filters``, soonest expiry first.

    :param filters: ``expiring_within`` keeps the agreements in force (signed or active)
        whose expiry date falls from ``today`` to ``today`` plus that many days.
    """
    today = today or date.today()
    query = select(Agreement).options(
        selectinload(Agreement.parties).selectinload(AgreementParty.organisation),
        selectinload(Agreement.edition).joinedload(Edition.texts),
    )
    if not is_site_organiser(user):
        organised = select(EditionRole.edition_id).where(
            EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
        )
        query = query.where(Agreement.edition_id.in_(organised))
    if filters.kind is not None:
        query = query.where(Agreement.kind == filters.kind)
    if filters.status is not None:
        query = query.where(Agreement.status == filters.status)
    if filters.organisation_id is not None:
        query = query.where(
            Agreement.parties.any(AgreementParty.organisation_id == filters.organisation_id)
        )
    if filters.expiring_within is not None:
        query = query.where(
            Agreement.status.in_(FOLLOWED),
            Agreement.expiry_date >= today,
            Agreement.expiry_date <= today + timedelta(days=filters.expiring_within),
        )
    query = query.order_by(Agreement.expiry_date.asc().nulls_last(), Agreement.title)
    return list(db.session.scalars(query))


def expiring_soon(user: User, today: date | None = None) -> list[Agreement]:
    """Return the agreements in force that ``user`` manages and that end within 90 days."""
    return list_agreements(user, ListFilters(expiring_within=EXPIRY_WINDOW_DAYS), today)


def renewals_of(agreement: Agreement) -> list[Agreement]:
    return list(
        db.session.scalars(
            select(Agreement).where(Agreement.renews_id == agreement.id).order_by(Agreement.id)
        )
    )


# Documents ---------------------------------------------------------------------------------


def document_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "agreements"


def document_path(document: AgreementDocument) -> Path:
    return document_folder() / f"{document.storage_key}.pdf"


def documents_of(agreement: Agreement) -> list[AgreementDocument]:
    return list(
        db.session.scalars(
            select(AgreementDocument)
            .where(AgreementDocument.agreement_id == agreement.id)
            .order_by(AgreementDocument.version.desc())
        )
    )


# Commitments -------------------------------------------------------------------------------


class CommitmentStatus(enum.Enum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    MET = "met"


COMMITMENT_LABELS = {
    CommitmentStatus.ON_TRACK: _l("On track"),
    CommitmentStatus.AT_RISK: _l("At risk"),
    CommitmentStatus.LATE: _l("Late"),
    CommitmentStatus.MET: _l("Met"),
}


def expected_value(target: Decimal, start: date | None, due: date, today: date) -> Decimal:
    """Return how far a steady pace from ``start`` to ``due`` would have gone by ``today``.

    Without a start date (or with a start on or after the due date) nothing is expected
    before the due date, and all of it from the due date.
    """
    if today >= due:
        return target
    if start is None or start >= due or today <= start:
        return Decimal(0)
    return target * Decimal((today - start).days) / Decimal((due - start).days)


def commitment_status(
    target: Decimal,
    due: date,
    latest: Decimal | None,
    today: date,
    start: date | None = None,
) -> CommitmentStatus:
    """Say where a commitment stands on ``today``.

    - met: the latest value reaches the target;
    - late: the due date has passed (``today`` after it) and the target is not met;
    - at risk: the latest value (0 without any) is below 80 % of the expected value, the
      expected value growing linearly from 0 at ``start`` to the target at ``due``;
    - on track: otherwise.
    """
    value = latest if latest is not None else Decimal(0)
    if value >= target:
        return CommitmentStatus.MET
    if today > due:
        return CommitmentStatus.LATE
    if value < AT_RISK_RATIO * expected_value(target, start, due, today):
        return CommitmentStatus.AT_RISK
    return CommitmentStatus.ON_TRACK


@dataclass(frozen=True)
class CommitmentState:
    """Where a commitment stands: its latest value, when it was met, whether it is late.

    ``is_late`` is also true of a target met after its due date; ``status`` is the
    state of ``commitment_status`` on the reference day.
    """

    commitment: Commitment
    latest: Decimal | None
    percent: int
    reached_on: date | None
    is_late: bool
    status: CommitmentStatus
    expected: Decimal


def commitment_state(commitment: Commitment, today: date | None = None) -> CommitmentState:
    """Return how ``commitment`` stands on ``today``, counting progress recorded until then."""
    today = today or date.today()
    progress = [step for step in commitment.progress if step.recorded_on <= today]
    latest = progress[-1].value if progress else None
    target = commitment.target_value
    reached_on = next((p.recorded_on for p in progress if p.value >= target), None)
    if reached_on is not None:
        is_late = reached_on > commitment.due_date
    else:
        is_late = today > commitment.due_date
    percent = int(min(100, (latest or 0) * 100 / target))
    start = commitment.start_date or commitment.agreement.effective_date
    status = commitment_status(target, commitment.due_date, latest, today, start)
    expected = expected_value(target, start, commitment.due_date, today)
    return CommitmentState(commitment, latest, percent, reached_on, is_late, status, expected)


def commitment_states(agreement: Agreement, today: date | None = None) -> list[CommitmentState]:
    """Return how each commitment of ``agreement`` stands on ``today``.

    :param agreement: an agreement with its commitments and their progress loaded.
    :param today: the reference day; defaults to today.
    """
    return [commitment_state(commitment, today) for commitment in agreement.commitments]


def commitment_of(agreement: Agreement, commitment_id: int | None) -> Commitment | None:
    if not commitment_id:
        return None
    return next((c for c in agreement.commitments if c.id == commitment_id), None)


# Reminders ---------------------------------------------------------------------------------


def followed_commitments() -> list[Commitment]:
    """Return the commitments of the agreements in force, with what reminders need."""
    query = (
        select(Commitment)
        .join(Agreement)
        .where(Agreement.status.in_(FOLLOWED))
        .options(
            selectinload(Commitment.progress),
            selectinload(Commitment.agreement).selectinload(Agreement.owner),
            selectinload(Commitment.party),
        )
        .order_by(Commitment.due_date, Commitment.id)
    )
    return list(db.session.scalars(query))


def agreements_expiring(today: date) -> list[Agreement]:
    """Return the agreements in force with an owner that end within 90 days of ``today``."""
    query = (
        select(Agreement)
        .where(
            Agreement.status.in_(FOLLOWED),
            Agreement.owner_id.is_not(None),
            Agreement.expiry_date >= today,
            Agreement.expiry_date <= today + timedelta(days=EXPIRY_WINDOW_DAYS),
        )
        .options(selectinload(Agreement.owner))
        .order_by(Agreement.expiry_date)
    )
    return list(db.session.scalars(query))


def parse_filters(args) -> tuple[ListFilters, dict[str, str]]:
    """Read the list's filters from a query string; unknown values are ignored."""
    kinds = {kind.value: kind for kind in AgreementKind}
    statuses = {status.value: status for status in AgreementStatus}
    organisation_id = args.get("party", type=int)
    within = args.get("expiring", type=int)
    if within is not None and not 0 <= within <= 3660:
        within = None
    filters = ListFilters(
        kind=kinds.get(args.get("kind", "")),
        status=statuses.get(args.get("status", "")),
        organisation_id=organisation_id,
        expiring_within=within,
    )
    chosen = {
        "kind": filters.kind.value if filters.kind else "",
        "status": filters.status.value if filters.status else "",
        "party": str(organisation_id or ""),
        "expiring": "" if within is None else str(within),
    }
    return filters, chosen
