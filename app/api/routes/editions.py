"""Series, editions and their structure (tracks, venues, rooms), and an edition's iCal."""

from flask import Response, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Audience, access, organises_edition
from app.api import queries
from app.api.blueprint import v1
from app.api.routes.http import changed, created, etag, page_body, refused, tagged, write
from app.api.schemas import (
    EditionPatch,
    EditionSchema,
    NewEditionInput,
    PageArgs,
    RoomInput,
    RoomSchema,
    SeriesInput,
    SeriesSchema,
    TrackInput,
    TrackSchema,
    VenueInput,
    VenueSchema,
    page_schema,
)
from app.calendars.queries import feeds, pieces
from app.editions import services
from app.editions.queries import version_of
from app.permissions import can_see_edition

SLUG = "<string(maxlength=80):slug>"


def visible_edition(slug: str):
    edition = queries.edition_by_slug(slug)
    if edition is None or not can_see_edition(current_user, edition):
        abort(404)
    return edition


def with_edition_id(data: dict):
    """``data`` with its ``edition`` (a slug, or null) turned into ``edition_id``, and the
    refusal of an unknown slug (None when there is none)."""
    if "edition" not in data:
        return data, None
    slug = data.pop("edition")
    edition = queries.edition_by_slug(slug) if slug else None
    if slug and edition is None:
        return data, refused(422, "edition", _("Unknown edition."))
    return {**data, "edition_id": edition.id if edition else None}, None


def edition_tag(edition) -> str:
    return etag("edition", edition.id, version_of(edition))


@v1.route("/series", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(SeriesSchema, "SeriesPage"))
def list_series(args):
    """The series of editions."""
    return page_body(queries.all_series(args["page"], args["per_page"]))


@v1.route("/series", methods=["POST"])
@access(Audience.SITE_ORGANISER)
@write(creates=True)
@v1.arguments(SeriesInput)
@v1.response(201, SeriesSchema)
def create_series(data):
    """Create a series of editions (site organisers)."""
    return created(services.create_series(**data))


@v1.route("/series/<string(maxlength=80):series_slug>", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, SeriesSchema)
def get_series(series_slug: str):
    """One series."""
    return queries.series_by_slug(series_slug) or abort(404)


@v1.route("/editions", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(EditionSchema, "EditionPage"))
def list_editions(args):
    """Public editions, and the drafts the caller organises."""
    return page_body(
        queries.editions(
            current_user,
            page=args["page"],
            per_page=args["per_page"],
            updated_since=args.get("updated_since"),
        )
    )


@v1.route("/editions", methods=["POST"])
@access(Audience.SITE_ORGANISER)
@write(creates=True)
@v1.arguments(NewEditionInput)
@v1.response(201, EditionSchema)
def create_edition(data):
    """Create a draft edition in a series (site organisers)."""
    series = queries.series_by_slug(data.pop("series"))
    if series is None:
        return refused(422, "series", "Unknown series.")
    return created(services.create_edition(series, data, created_by=current_user), edition_tag)


@v1.route(f"/editions/{SLUG}", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, EditionSchema)
def get_edition(slug: str):
    """One edition (a draft only for its organisers)."""
    edition = visible_edition(slug)
    return tagged(edition, edition_tag(edition))


@v1.route(f"/editions/{SLUG}", methods=["PATCH"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(versioned=True)
@v1.arguments(EditionPatch(partial=True))
@v1.response(200, EditionSchema)
def update_edition(data, slug: str):
    """Change an edition's details; fields left out keep their value."""
    edition = visible_edition(slug)
    return changed(
        edition,
        edition_tag,
        lambda: services.update_edition(
            edition, {**queries.edition_values(edition), **data}, version=version_of(edition)
        ),
    )


@v1.route(f"/editions/{SLUG}/publish", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(versioned=True)
@v1.response(200, EditionSchema)
def publish_edition(slug: str):
    """Publish a draft edition once it is coherent (the same checks as the page)."""
    edition = visible_edition(slug)
    return changed(edition, edition_tag, lambda: services.publish_edition(edition))


@v1.route(f"/editions/{SLUG}/tracks", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, TrackSchema(many=True))
def list_tracks(slug: str):
    """An edition's tracks (axes)."""
    return visible_edition(slug).tracks


@v1.route(f"/editions/{SLUG}/tracks", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(creates=True)
@v1.arguments(TrackInput)
@v1.response(201, TrackSchema)
def create_track(data, slug: str):
    """Add a track to an edition."""
    return created(services.save_track(visible_edition(slug), **data))


@v1.route(f"/editions/{SLUG}/venues", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, VenueSchema(many=True))
def list_venues(slug: str):
    """An edition's venues with their rooms."""
    return queries.venues_of(visible_edition(slug))


@v1.route(f"/editions/{SLUG}/venues", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(creates=True)
@v1.arguments(VenueInput)
@v1.response(201, VenueSchema)
def create_venue(data, slug: str):
    """Add a venue (a caravan's stop) to an edition."""
    return created(services.save_venue(visible_edition(slug), data))


@v1.route(f"/editions/{SLUG}/venues/<int(min=1, max=2147483647):venue_id>/rooms", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(creates=True)
@v1.arguments(RoomInput)
@v1.response(201, RoomSchema)
def create_room(data, slug: str, venue_id: int):
    """Add a room to a venue."""
    venue = queries.venue_of(visible_edition(slug), venue_id) or abort(404)
    return created(services.save_room(venue, name=data["name"], capacity=data["capacity"]))


@v1.route(f"/editions/{SLUG}/calendar.ics", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(
    200,
    description="The edition's sessions as iCalendar (RFC 5545).",
    content_type="text/calendar",
)
def edition_calendar(slug: str):
    """The edition's calendar, as the public feed (a draft's only for its organisers)."""
    edition = visible_edition(slug)
    version = feeds.edition_version(edition)
    # The public feed's kept bytes (built once per version); none for a client that has them.
    is_current = request.if_none_match.contains_weak(version.etag)
    body = b"" if is_current else pieces.kept_edition_calendar(edition, version)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.set_etag(version.etag)
    response.headers["Content-Location"] = url_for("calendars.edition_calendar", slug=slug)
    return response.make_conditional(request)
