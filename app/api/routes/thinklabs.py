"""Thinklabs with their meetings over a range, and agreements with their commitments,
as their access rules allow."""

from datetime import UTC, datetime, time

from flask import abort
from flask_login import current_user

from app.access import Audience, access
from app.api import queries
from app.api.blueprint import v1
from app.api.routes.http import page_body
from app.api.schemas import (
    AgreementSchema,
    OccurrenceArgs,
    OccurrenceSchema,
    PageArgs,
    ThinklabSchema,
    page_schema,
)
from app.permissions import can_see_agreement, can_see_edition
from app.thinklabs.queries import occurrences


def visible_thinklab(slug: str):
    found = queries.thinklab_by_slug(slug)
    if found is None or (found.edition and not can_see_edition(current_user, found.edition)):
        abort(404)
    return found


@v1.route("/thinklabs", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(ThinklabSchema, "ThinklabPage"))
def list_thinklabs(args):
    """Thinklabs on their own or of a public edition."""
    return page_body(queries.public_thinklabs(page=args["page"], per_page=args["per_page"]))


@v1.route("/thinklabs/<string(maxlength=80):thinklab_slug>", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, ThinklabSchema)
def get_thinklab(thinklab_slug: str):
    """One thinklab and its recurrence."""
    return visible_thinklab(thinklab_slug)


@v1.route("/thinklabs/<string(maxlength=80):thinklab_slug>/occurrences", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(OccurrenceArgs, location="query")
@v1.response(200, OccurrenceSchema(many=True))
def thinklab_occurrences(args, thinklab_slug: str):
    """The thinklab's meetings in ``[start, end)``, moves and cancellations applied."""
    thinklab = visible_thinklab(thinklab_slug)
    start = datetime.combine(args["start"], time(0, 0), tzinfo=UTC)
    end = datetime.combine(args["end"], time(0, 0), tzinfo=UTC)
    return occurrences(thinklab, start, end, include_cancelled=True)


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


@v1.route("/agreements/<int(min=1, max=2147483647):agreement_id>", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, AgreementSchema)
def get_agreement(agreement_id: int):
    """One agreement with its parties and commitments, as its access rules allow."""
    agreement = queries.agreement_by_id(agreement_id)
    if agreement is None or not can_see_agreement(current_user, agreement):
        abort(404)
    return agreement
