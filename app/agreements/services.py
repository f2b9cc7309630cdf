"""Agreements' operations: create and edit, the lifecycle, renewals, documents, commitments.

Every function that changes something validates its input first, flushes and leaves the
commit to its caller. Input refused field by field raises ``FormErrors``, whose
``errors`` map a form field's name to its messages ("" is the whole form).
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.utils import secure_filename

from app import audit, signals
from app.agreements.queries import STATUS_LABELS, document_folder, document_path
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
    Organisation,
    User,
)
from app.permissions import can_organise, is_site_organiser
from app.uploads import PDF, sniff

logger = logging.getLogger(__name__)

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

DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


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
    audit.record("agreement.created" if created else "agreement.saved", agreement, actor=user)
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
    from_status = agreement.status
    agreement.status = to_status
    agreement.transitions.append(step)
    audit.record("agreement.status_changed", agreement, actor=actor)
    db.session.flush()
    signals.agreement_status_changed.send(
        agreement, actor=actor, from_status=from_status, to_status=to_status
    )
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
    audit.record("agreement.renewed", term, actor=actor)
    return term


# Documents ---------------------------------------------------------------------------------


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
    folder = document_folder()
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


# Commitments -------------------------------------------------------------------------------


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
    audit.record("commitment.saved", commitment, edition_id=agreement.edition_id)
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
