"""Thinklabs: read with their meetings over a range; created, changed, and their meetings
skipped, moved or restored by those who run them."""

from datetime import UTC, datetime, time

from flask import abort
from flask_login import current_user

from app.access import Audience, access, organises_something
from app.api import queries
from app.api.blueprint import v1
from app.api.routes.editions import with_edition_id
from app.api.routes.http import changed, content_tag, created, page_body, tagged, write
from app.api.schemas import (
    OccurrenceArgs,
    OccurrenceSchema,
    PageArgs,
    ThinklabSchema,
    page_schema,
)
from app.api.schemas.thinklabs import (
    MeetingChangeSchema,
    MoveInput,
    SkipInput,
    ThinklabInput,
    ThinklabPatch,
)
from app.models import Thinklab
from app.permissions import can_see_edition
from app.thinklabs import services
from app.thinklabs.queries import occurrences
from app.thinklabs.queries.thinklab import can_organise_thinklab

THINKLAB = "/thinklabs/<string(maxlength=80):thinklab_slug>"
thinklab_tag = content_tag("thinklab", ThinklabSchema())


def visible_thinklab(thinklab_slug: str) -> Thinklab:
    found = queries.thinklab_by_slug(thinklab_slug)
    if found is None or (found.edition and not can_see_edition(current_user, found.edition)):
        abort(404)
    return found


def runs_thinklab(user, thinklab_slug: str, **_ignored) -> bool:
    """The ``allow`` check of the operations of those who run a thinklab."""
    return can_organise_thinklab(user, queries.thinklab_by_slug(thinklab_slug) or abort(404))


@v1.route("/thinklabs", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(ThinklabSchema, "ThinklabPage"))
def list_thinklabs(args):
    """Thinklabs on their own or of a public edition."""
    return page_body(queries.public_thinklabs(page=args["page"], per_page=args["per_page"]))


@v1.route("/thinklabs", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_something)
@write(creates=True)
@v1.arguments(ThinklabInput)
@v1.response(201, ThinklabSchema)
def create_thinklab(data):
    """Create a thinklab: of an edition the caller organises, or on its own (site
    organisers), with the same checks as the organiser's form."""
    data, refusal = with_edition_id(data)
    if refusal is not None:
        return refusal
    return created(services.save_thinklab(data, user=current_user), thinklab_tag)


@v1.route(THINKLAB, methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, ThinklabSchema)
def get_thinklab(thinklab_slug: str):
    """One thinklab and its recurrence."""
    found = visible_thinklab(thinklab_slug)
    return tagged(found, thinklab_tag(found))


@v1.route(THINKLAB, methods=["PATCH"])
@access(Audience.ORGANISER, allow=runs_thinklab)
@write(versioned=True)
@v1.arguments(ThinklabPatch(partial=True))
@v1.response(200, ThinklabSchema)
def update_thinklab(data, thinklab_slug: str):
    """Change a thinklab's details or its recurrence; fields left out keep their value.
    Members' calendars get the new series."""
    found = visible_thinklab(thinklab_slug)
    data, refusal = with_edition_id(data)
    if refusal is not None:
        return refusal
    return changed(
        found,
        thinklab_tag,
        lambda: services.save_thinklab(
            {**queries.thinklab_values(found), **data}, user=current_user, thinklab=found
        ),
    )


@v1.route(f"{THINKLAB}/occurrences", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(OccurrenceArgs, location="query")
@v1.response(200, OccurrenceSchema(many=True))
def thinklab_occurrences(args, thinklab_slug: str):
    """The thinklab's meetings in ``[start, end)``, moves and cancellations applied."""
    found = visible_thinklab(thinklab_slug)
    start = datetime.combine(args["start"], time(0, 0), tzinfo=UTC)
    end = datetime.combine(args["end"], time(0, 0), tzinfo=UTC)
    return occurrences(found, start, end, include_cancelled=True)


@v1.route(f"{THINKLAB}/meeting-changes", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, MeetingChangeSchema(many=True))
def list_meeting_changes(thinklab_slug: str):
    """The meetings skipped or moved, each with the id that restores it."""
    return visible_thinklab(thinklab_slug).occurrence_changes


@v1.route(f"{THINKLAB}/meetings/skip", methods=["POST"])
@access(Audience.ORGANISER, allow=runs_thinklab)
@write(creates=True)
@v1.arguments(SkipInput)
@v1.response(201, MeetingChangeSchema)
def skip_meeting(data, thinklab_slug: str):
    """Cancel one meeting of the recurrence; members get its cancellation."""
    found = visible_thinklab(thinklab_slug)
    return created(
        services.skip_meeting(found, data["original_local"], data["note"], actor=current_user)
    )


@v1.route(f"{THINKLAB}/meetings/move", methods=["POST"])
@access(Audience.ORGANISER, allow=runs_thinklab)
@write(creates=True)
@v1.arguments(MoveInput)
@v1.response(201, MeetingChangeSchema)
def move_meeting(data, thinklab_slug: str):
    """Move one meeting to other times (the group's wall clock), mode or venue."""
    found = visible_thinklab(thinklab_slug)
    original = data.pop("original_local")
    return created(services.move_meeting(found, original, **data, actor=current_user))


@v1.route(f"{THINKLAB}/meeting-changes/<int(min=1, max=2147483647):change_id>", methods=["DELETE"])
@access(Audience.ORGANISER, allow=runs_thinklab)
@write()
@v1.response(204)
def restore_meeting(thinklab_slug: str, change_id: int):
    """Undo a skip or a move: the meeting follows the rule again."""
    services.restore_meeting(visible_thinklab(thinklab_slug), change_id, actor=current_user)
    return ""
