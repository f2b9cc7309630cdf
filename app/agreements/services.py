"""Agreements: who may see and manage them, their lifecycle, documents and commitments.

Every function that changes something validates its input first, flushes and leaves the
commit to its caller. Input refused field by field raises ``FormErrors``, whose
``errors`` map a form field's name to its messages ("" is the whole form).
"""

import enum
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename

from app.errors import FormErrors, TransitionRefused
from app.extensions import db
from app.models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementTransition,
    Commitment,
    CommitmentProgress,
    ConferenceSession,
    Edition,
    EditionRole,
    EditionRoleKind,
    Organisation,
    SessionKind,
    Thinklab,
    User,
)
from app.permissions import can_organise, is_site_organiser
from app.uploads import PDF, sniff

logger = logging.getLogger(__name__)

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
# The lifecycle: each status and the statuses it may move to. Expired and terminated
# agreements are closed; a new term starts with ``renew``.
TRANSITIONS: dict[AgreementStatus, tuple[AgreementStatus, ...]] = {
    S.DRAFT: (S.NEGOTIATION, S.TERMINATED),
    S.NEGOTIATION: (S.DRAFT, S.SIGNED, S.TERMINATED),
    S.SIGNED: (S.ACTIVE, S.TERMINATED),
    S.ACTIVE: (S.EXPIRED, S.TERMINATED),
    S.EXPIRED: (),
    S.TERMINATED: (),
}
RENEWABLE = (S.ACTIVE, S.EXPIRED)
# Commitments of these agreements are followed (reminders); others are not yet or no more.
FOLLOWED = (S.SIGNED, S.ACTIVE)

EXPIRY_WINDOW_DAYS = 90
DUE_REMINDER_DAYS = (30, 7)
AT_RISK_RATIO = Decimal("0.8")
DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def format_number(value: Decimal | None) -> str:
    """Write a stored amount without its trailing zeros: 50.00 gives "50", 12.50 "12.5"."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
            selectinload(Agreement.edition),
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
    from app.thinklabs.services import upcoming_meetings

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
        selectinload(Agreement.edition),
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


# Creating and editing ----------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "kind",
    "title",
    "summary",
    "sponsorship_tier",
    "edition_id",
    "signing_session_id",
    "timezone",
    "effective_date",
    "expiry_date",
    "is_public",
)


@dataclass
class PartyInput:
    organisation_id: int
    role: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    signed_on: date | None = None


def _check_agreement(data: dict, parties: list[PartyInput], *, user: User) -> dict:
    """Return the field errors of an agreement's input (empty when it is fine)."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    effective, expiry = data.get("effective_date"), data.get("expiry_date")
    if effective and expiry and expiry <= effective:
        refuse("expiry_date", _("The expiry date must come after the effective date."))
    if data.get("kind") is AgreementKind.SPONSORSHIP and not data.get("sponsorship_tier"):
        refuse("sponsorship_tier", _("A sponsorship needs a tier, e.g. Gold or Silver."))
    edition = db.session.get(Edition, data["edition_id"]) if data.get("edition_id") else None
    if data.get("edition_id") and edition is None:
        refuse("edition_id", _("Choose an edition from the list."))
    elif edition is not None and not can_organise(user, edition):
        refuse("edition_id", _("You may only link an agreement to an edition you organise."))
    elif edition is None and not is_site_organiser(user):
        refuse("edition_id", _("Choose one of the editions you organise."))
    if data.get("signing_session_id"):
        signing = db.session.get(ConferenceSession, data["signing_session_id"])
        if signing is None or edition is None or signing.edition_id != edition.id:
            refuse(
                "signing_session_id",
                _("The signing session must be a session of the agreement's edition."),
            )
    seen: set[int] = set()
    names = {org.id: org.name for org in db.session.scalars(select(Organisation))}
    for party in parties:
        if party.organisation_id not in names:
            refuse("parties", _("Choose each party from the list of organisations."))
        elif party.organisation_id in seen:
            refuse(
                "parties",
                _("%(name)s is listed twice as a party.", name=names[party.organisation_id]),
            )
        seen.add(party.organisation_id)
    if len(seen) < 2:
        refuse("parties", _("An agreement binds at least two parties."))
    return errors


def _apply_parties(agreement: Agreement, parties: list[PartyInput]) -> None:
    """Make the agreement's parties those of ``parties``, keeping the rows of those who stay."""
    current = {party.organisation_id: party for party in agreement.parties}
    wanted = {party.organisation_id for party in parties}
    for organisation_id, party in current.items():
        if organisation_id not in wanted:
            agreement.parties.remove(party)
    # Removed rows go first, so a re-added organisation never meets its old row.
    db.session.flush()
    for given in parties:
        party = current.get(given.organisation_id)
        if party is None:
            party = AgreementParty(organisation_id=given.organisation_id)
            agreement.parties.append(party)
        party.role = given.role
        party.signatory_name = given.signatory_name
        party.signatory_title = given.signatory_title
        party.signed_on = given.signed_on


def save_agreement(
    agreement: Agreement | None, data: dict, parties: list[PartyInput], *, user: User
) -> Agreement:
    """Create an agreement (as a draft, ``user`` its owner) or change one.

    :param data: values of ``AGREEMENT_FIELDS``.
    :param parties: two or more distinct organisations with their signatories.
    :raises FormErrors: an expiry before the effective date, a party listed twice, an
        edition ``user`` does not organise, a signing session of another edition.
    """
    errors = _check_agreement(data, parties, user=user)
    if errors:
        raise FormErrors(errors)
    if data.get("kind") is not AgreementKind.SPONSORSHIP:
        data = {**data, "sponsorship_tier": None}
    with db.session.begin_nested():
        created = agreement is None
        if created:
            agreement = Agreement(owner_id=user.id, status=AgreementStatus.DRAFT)
            db.session.add(agreement)
        for name in AGREEMENT_FIELDS:
            if name in data:
                setattr(agreement, name, data[name])
        db.session.flush()
        _apply_parties(agreement, parties)
        if created:
            agreement.transitions.append(
                AgreementTransition(actor_id=user.id, from_status=None, to_status=S.DRAFT)
            )
        db.session.flush()
    return agreement


# Lifecycle ---------------------------------------------------------------------------------


def transition_problems(
    agreement: Agreement, to_status: AgreementStatus, today: date | None = None
) -> list[str]:
    """Return why ``agreement`` may not move to ``to_status`` (empty when it may)."""
    today = today or date.today()
    current = agreement.status
    if to_status not in TRANSITIONS[current]:
        allowed = ", ".join(str(STATUS_LABELS[s]) for s in TRANSITIONS[current])
        if allowed:
            return [
                _(
                    "An agreement that is “%(current)s” cannot become “%(wanted)s”; "
                    "it may become: %(allowed)s.",
                    current=STATUS_LABELS[current],
                    wanted=STATUS_LABELS[to_status],
                    allowed=allowed,
                )
            ]
        return [
            _(
                "An agreement that is “%(current)s” is closed; renew it to start a new term.",
                current=STATUS_LABELS[current],
            )
        ]
    problems = []
    if to_status is S.SIGNED:
        if len(agreement.parties) < 2:
            problems.append(_("An agreement is signed by at least two parties."))
        unsigned = [p.organisation.name for p in agreement.parties if p.signed_on is None]
        if unsigned:
            problems.append(
                _(
                    "Give the signature date of every party first (missing: %(names)s).",
                    names=", ".join(unsigned),
                )
            )
    elif to_status is S.ACTIVE:
        if agreement.effective_date is None:
            problems.append(_("Give the effective date before making the agreement active."))
    elif to_status is S.EXPIRED:
        if agreement.expiry_date is None or today <= agreement.expiry_date:
            problems.append(_("An agreement expires only after its expiry date."))
    return problems


def transition(
    agreement: Agreement,
    to_status: AgreementStatus,
    *,
    actor: User | None,
    note: str = "",
    today: date | None = None,
) -> AgreementTransition:
    """Move ``agreement`` to ``to_status`` and record who did it, when and why.

    :raises TransitionRefused: if the lifecycle forbids the move or a rule is not met.
    """
    problems = transition_problems(agreement, to_status, today)
    if problems:
        raise TransitionRefused(" ".join(problems), field="status")
    step = AgreementTransition(
        actor_id=actor.id if actor is not None else None,
        from_status=agreement.status,
        to_status=to_status,
        note=note,
    )
    agreement.status = to_status
    agreement.transitions.append(step)
    db.session.flush()
    return step


def renew(agreement: Agreement, *, actor: User, note: str = "") -> Agreement:
    """Start a new term of an active or expired agreement: a draft with the same parties.

    :raises TransitionRefused: if ``agreement`` is neither active nor expired.
    """
    if agreement.status not in RENEWABLE:
        raise TransitionRefused(
            _("Only an active or expired agreement can be renewed."), field="status"
        )
    term = Agreement(
        kind=agreement.kind,
        title=agreement.title,
        summary=agreement.summary,
        sponsorship_tier=agreement.sponsorship_tier,
        edition_id=agreement.edition_id,
        timezone=agreement.timezone,
        is_public=False,
        owner_id=agreement.owner_id or actor.id,
        status=S.DRAFT,
        renews_id=agreement.id,
    )
    for party in agreement.parties:
        term.parties.append(
            AgreementParty(
                organisation_id=party.organisation_id,
                role=party.role,
                signatory_name=party.signatory_name,
                signatory_title=party.signatory_title,
            )
        )
    term.transitions.append(
        AgreementTransition(
            actor_id=actor.id,
            from_status=None,
            to_status=S.DRAFT,
            note=note or _("New term of agreement #%(id)s.", id=agreement.id),
        )
    )
    db.session.add(term)
    db.session.flush()
    return term


def renewals_of(agreement: Agreement) -> list[Agreement]:
    return list(
        db.session.scalars(
            select(Agreement).where(Agreement.renews_id == agreement.id).order_by(Agreement.id)
        )
    )


# Documents ---------------------------------------------------------------------------------


def _document_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "agreements"


def document_path(document: AgreementDocument) -> Path:
    return _document_folder() / f"{document.storage_key}.pdf"


def add_document(
    agreement: Agreement,
    filename: str,
    data: bytes,
    *,
    actor: User | None,
    signed_copy: bool = False,
) -> AgreementDocument:
    """Keep a new version of the agreement's text.

    :param data: the file's bytes; a PDF by its first bytes, whatever its name says.
    :raises FormErrors: an empty file, a file over the size limit or not a PDF.
    """
    limit = current_app.config.get("AGREEMENT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_DOCUMENT_BYTES)
    if not data:
        raise FormErrors({"file": [_("Choose a PDF file to upload.")]})
    if len(data) > limit:
        raise FormErrors(
            {"file": [_("The file is larger than %(mb)s MB.", mb=max(1, limit // 2**20))]}
        )
    if sniff(data, allowed=(PDF,)) is None:
        raise FormErrors({"file": [_("Only PDF documents are accepted; this file is not one.")]})
    stem = secure_filename(Path(filename or "").stem) or "agreement"
    latest = db.session.scalar(
        select(func.max(AgreementDocument.version)).where(
            AgreementDocument.agreement_id == agreement.id
        )
    )
    document = AgreementDocument(
        agreement_id=agreement.id,
        version=(latest or 0) + 1,
        filename=f"{stem[:200]}.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=secrets.token_urlsafe(24),
        uploaded_by_id=actor.id if actor is not None else None,
    )
    with db.session.begin_nested():
        db.session.add(document)
        db.session.flush()
        if signed_copy:
            mark_signed_copy(agreement, document)
    folder = _document_folder()
    folder.mkdir(parents=True, exist_ok=True)
    document_path(document).write_bytes(data)
    return document


def mark_signed_copy(agreement: Agreement, document: AgreementDocument) -> None:
    """Make ``document`` the one signed copy of ``agreement``."""
    for other in db.session.scalars(
        select(AgreementDocument).where(AgreementDocument.agreement_id == agreement.id)
    ):
        other.is_signed_copy = other.id == document.id
    db.session.flush()


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


COMMITMENT_FIELDS = ("title", "owner", "party_id", "start_date", "due_date", "unit")


def parse_number(text, field: str) -> Decimal:
    """Read a number ≥ 0 written with a dot or a comma.

    :raises FormErrors: for text that is not a finite number, or a negative one.
    """
    cleaned = str(text if text is not None else "").strip().replace(",", ".").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise FormErrors({field: [_("Give a number, e.g. 42 or 12.5.")]})
    if value < 0:
        raise FormErrors({field: [_("Give a number of 0 or more.")]})
    if abs(value) >= Decimal("1e12"):
        raise FormErrors({field: [_("This number is too large.")]})
    return value.quantize(Decimal("0.01"))


def save_commitment(agreement: Agreement, commitment: Commitment | None, data: dict) -> Commitment:
    """Create or change a commitment of ``agreement``.

    :param data: ``title``, ``owner``, ``party_id``, ``start_date``, ``due_date``,
        ``unit`` and ``target_value`` (text or number).
    :raises FormErrors: a target that is not a positive number, a party of another
        agreement, a start after the due date.
    """
    errors: dict[str, list[str]] = {}
    try:
        target = parse_number(data.get("target_value"), "target_value")
        if target <= 0:
            errors["target_value"] = [_("The target must be more than 0.")]
    except FormErrors as error:
        errors.update(error.errors)
        target = None
    party_id = data.get("party_id")
    if party_id and party_id not in {party.id for party in agreement.parties}:
        errors["party_id"] = [_("Choose one of the agreement's parties.")]
    if data.get("start_date") and data.get("due_date") and data["start_date"] >= data["due_date"]:
        errors["start_date"] = [_("The start date must come before the due date.")]
    if errors:
        raise FormErrors(errors)
    with db.session.begin_nested():
        if commitment is None:
            commitment = Commitment(agreement=agreement)
            db.session.add(commitment)
        for name in COMMITMENT_FIELDS:
            setattr(commitment, name, data.get(name) or (None if name.endswith("_id") else ""))
        commitment.start_date = data.get("start_date")
        commitment.target_value = target
        db.session.flush()
    return commitment


def record_progress(
    commitment: Commitment, value, recorded_on: date, *, actor: User | None, note: str = ""
) -> CommitmentProgress:
    """Record the value a commitment had reached on ``recorded_on``.

    :param value: a number ≥ 0, as text (a comma is read as a decimal point) or a number.
    :raises FormErrors: for a value that is not a number ≥ 0.
    """
    number = parse_number(value, "value")
    if recorded_on is None:
        raise FormErrors({"recorded_on": [_("Give the date of this value.")]})
    step = CommitmentProgress(
        commitment=commitment,
        recorded_on=recorded_on,
        value=number,
        note=note,
        recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(step)
    db.session.flush()
    db.session.refresh(commitment, ["progress"])
    return step


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
