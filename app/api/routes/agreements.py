"""Agreements with their parties and commitments, as their access rules allow; created,
changed, moved through their lifecycle and followed up by those who manage them."""

from dataclasses import fields

from flask import abort
from flask_login import current_user

from app.access import Audience, access, organises_something
from app.agreements import services
from app.api import queries
from app.api.blueprint import v1
from app.api.routes.editions import with_edition_id
from app.api.routes.http import changed, content_tag, created, page_body, tagged, write
from app.api.schemas import AgreementSchema, CommitmentSchema, PageArgs, page_schema
from app.api.schemas.agreements import (
    AgreementInput,
    AgreementPatch,
    CommitmentInput,
    CommitmentPatch,
    ProgressInput,
    ProgressSchema,
    StatusInput,
)
from app.models import Agreement, Commitment
from app.permissions import can_manage_agreement, can_see_agreement

AGREEMENT = "/agreements/<int(min=1, max=2147483647):agreement_id>"
COMMITMENT = f"{AGREEMENT}/commitments/<int(min=1, max=2147483647):commitment_id>"
agreement_tag = content_tag("agreement", AgreementSchema())
commitment_tag = content_tag("commitment", CommitmentSchema())


def visible_agreement(agreement_id: int) -> Agreement:
    found = queries.agreement_by_id(agreement_id)
    if found is None or not can_see_agreement(current_user, found):
        abort(404)
    return found


def manages_agreement(user, agreement_id: int, **_ignored) -> bool:
    """The ``allow`` check of the operations of those who manage an agreement."""
    return can_manage_agreement(user, queries.agreement_by_id(agreement_id) or abort(404))


def _commitment(agreement: Agreement, commitment_id: int) -> Commitment:
    return queries.commitment_of(agreement, commitment_id) or abort(404)


def _inputs(data: dict, agreement: Agreement | None = None):
    """The service's values and parties from a request's ``data`` (what it leaves out kept
    from ``agreement``), or a refusal for an unknown edition."""
    given = data.pop("parties", None)
    data, refusal = with_edition_id(data)
    if refusal is not None:
        return None, None, refusal
    values = {**(queries.agreement_values(agreement) if agreement else {}), **data}
    if given is None:
        given = [
            {field.name: getattr(party, field.name) for field in fields(services.PartyInput)}
            for party in agreement.parties
        ]
    return values, [services.PartyInput(**party) for party in given], None


@v1.route("/agreements", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(AgreementSchema, "AgreementPage"))
def list_agreements(args):
    """Public agreements, and the private ones the caller may see."""
    return page_body(
        queries.agreements(
            current_user,
            page=args["page"],
            per_page=args["per_page"],
            updated_since=args.get("updated_since"),
        )
    )


@v1.route("/agreements", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_something)
@write(creates=True)
@v1.arguments(AgreementInput)
@v1.response(201, AgreementSchema)
def create_agreement(data):
    """Create an agreement as a draft, the caller its owner (the same checks as the form)."""
    values, parties, refusal = _inputs(data)
    if refusal is not None:
        return refusal
    return created(services.save_agreement(None, values, parties, user=current_user), agreement_tag)


@v1.route(AGREEMENT, methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, AgreementSchema)
def get_agreement(agreement_id: int):
    """One agreement with its parties and commitments, as its access rules allow."""
    found = visible_agreement(agreement_id)
    return tagged(found, agreement_tag(found))


@v1.route(AGREEMENT, methods=["PATCH"])
@access(Audience.ORGANISER, allow=manages_agreement)
@write(versioned=True)
@v1.arguments(AgreementPatch(partial=True))
@v1.response(200, AgreementSchema)
def update_agreement(data, agreement_id: int):
    """Change an agreement; fields left out (the parties too) keep their value."""
    found = visible_agreement(agreement_id)
    values, parties, refusal = _inputs(data, found)
    if refusal is not None:
        return refusal
    return changed(
        found,
        agreement_tag,
        lambda: services.save_agreement(found, values, parties, user=current_user),
    )


@v1.route(f"{AGREEMENT}/status", methods=["POST"])
@access(Audience.ORGANISER, allow=manages_agreement)
@write(versioned=True)
@v1.arguments(StatusInput)
@v1.response(200, AgreementSchema)
def change_agreement_status(data, agreement_id: int):
    """Move the agreement through its lifecycle (draft, negotiation, signed, active,
    expired, terminated); a move its rules forbid answers 409. Webhooks hear of it."""
    found = visible_agreement(agreement_id)
    return changed(
        found,
        agreement_tag,
        lambda: services.transition(found, data["status"], actor=current_user, note=data["note"]),
    )


@v1.route(f"{AGREEMENT}/commitments", methods=["POST"])
@access(Audience.ORGANISER, allow=manages_agreement)
@write(creates=True)
@v1.arguments(CommitmentInput)
@v1.response(201, CommitmentSchema)
def create_commitment(data, agreement_id: int):
    """Add a commitment: a target value by a due date, owned by a party."""
    found = visible_agreement(agreement_id)
    return created(services.save_commitment(found, None, data), commitment_tag)


@v1.route(COMMITMENT, methods=["PATCH"])
@access(Audience.ORGANISER, allow=manages_agreement)
@write(versioned=True)
@v1.arguments(CommitmentPatch(partial=True))
@v1.response(200, CommitmentSchema)
def update_commitment(data, agreement_id: int, commitment_id: int):
    """Change a commitment; fields left out keep their value."""
    found = visible_agreement(agreement_id)
    commitment = _commitment(found, commitment_id)
    return changed(
        commitment,
        commitment_tag,
        lambda: services.save_commitment(
            found, commitment, {**queries.commitment_values(commitment), **data}
        ),
    )


@v1.route(f"{COMMITMENT}/progress", methods=["POST"])
@access(Audience.ORGANISER, allow=manages_agreement)
@write(creates=True)
@v1.arguments(ProgressInput)
@v1.response(201, ProgressSchema)
def record_progress(data, agreement_id: int, commitment_id: int):
    """Record the value a commitment had reached on a day."""
    commitment = _commitment(visible_agreement(agreement_id), commitment_id)
    return created(
        services.record_progress(
            commitment, data["value"], data["recorded_on"], actor=current_user, note=data["note"]
        )
    )
