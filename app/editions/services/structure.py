"""Organiser operations on an edition's structure: its tracks (axes), venues and rooms.

Every function validates all of its input before it changes anything, flushes and
leaves the commit to its caller.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.editions.queries.editions import count_referencing, day_label
from app.errors import Conflict, FieldErrors
from app.extensions import db
from app.models import ConferenceSession, Edition, Room, Showcase, Track, Venue
from app.timezones import is_valid_zone


def _check_colour(colour: str, errors: FieldErrors) -> str:
    colour = (colour or "").strip().lower()
    if len(colour) != 7 or colour[0] != "#" or any(c not in "0123456789abcdef" for c in colour[1:]):
        errors.add("colour", _("Give a colour as #rrggbb, for example #3559a8."))
    return colour


def save_track(
    edition: Edition,
    *,
    name: str,
    colour: str,
    description: str = "",
    position: int | None = None,
    track: Track | None = None,
) -> Track:
    """Add a track (axis) to ``edition``, or change ``track``.

    :raises FormErrors: for a name the edition already uses or a colour not #rrggbb.
    """
    errors = FieldErrors()
    colour = _check_colour(colour, errors)
    query = select(Track.id).where(Track.edition_id == edition.id, Track.name == name)
    if track is not None:
        query = query.where(Track.id != track.id)
    if db.session.scalar(query) is not None:
        errors.add("name", _("This edition already has an axis with this name."))
    errors.raise_any()
    if track is None:
        if position is None:
            position = len(edition.tracks)
        track = Track(edition_id=edition.id)
        db.session.add(track)
    track.name, track.colour, track.description = name, colour, description or ""
    if position is not None:
        track.position = position
    db.session.flush()
    db.session.expire(edition, ["tracks"])
    return track


def delete_track(track: Track) -> None:
    """Delete a track nobody uses.

    :raises Conflict: if sessions or showcases are on this axis.
    """
    sessions = count_referencing(ConferenceSession.track_id, track.id)
    showcases = count_referencing(Showcase.track_id, track.id)
    if sessions or showcases:
        raise Conflict(
            _(
                "The axis “%(name)s” is used by %(sessions)d session(s) and %(showcases)d "
                "showcase(s); move them to another axis first.",
                name=track.name,
                sessions=sessions,
                showcases=showcases,
            )
        )
    edition = track.edition
    db.session.delete(track)
    db.session.flush()
    db.session.expire(edition, ["tracks"])


def save_venue(edition: Edition, data: dict, *, venue: Venue | None = None) -> Venue:
    """Add a venue (a caravan's stop) to ``edition``, or change ``venue``.

    ``data`` has name, town, address, timezone, start_date, end_date, position.

    :raises FormErrors: for an unknown zone, an end before the start, dates outside the
        edition's.
    """
    errors = FieldErrors()
    zone = (data.get("timezone") or "").strip() or None
    if zone is not None and not is_valid_zone(zone):
        errors.add("timezone", _("Unknown time zone. Leave empty to use the edition's."))
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        errors.add("end_date", _("The venue cannot end before it starts."))
    if start and not edition.start_date <= start <= edition.end_date:
        errors.add("start_date", _edition_days_message(edition))
    if end and not edition.start_date <= end <= edition.end_date:
        errors.add("end_date", _edition_days_message(edition))
    query = select(Venue.id).where(
        Venue.edition_id == edition.id, Venue.name == data["name"], Venue.start_date == start
    )
    if venue is not None:
        query = query.where(Venue.id != venue.id)
    if db.session.scalar(query) is not None:
        errors.add("name", _("This edition already has a venue with this name on these dates."))
    errors.raise_any()
    if venue is None:
        if data.get("position") is None:
            data = {**data, "position": len(edition.venues)}
        venue = Venue(edition_id=edition.id)
        db.session.add(venue)
    venue.name, venue.town = data["name"], data["town"]
    venue.address = data.get("address") or ""
    venue.timezone = zone
    venue.start_date, venue.end_date = start, end
    if data.get("position") is not None:
        venue.position = data["position"]
    db.session.flush()
    db.session.expire(edition, ["venues"])
    return venue


def _edition_days_message(edition: Edition) -> str:
    return _(
        "Choose a day within the edition (%(start)s – %(end)s).",
        start=day_label(edition.start_date),
        end=day_label(edition.end_date),
    )


def delete_venue(venue: Venue) -> None:
    """Delete a venue and its rooms when no session takes place there.

    :raises Conflict: if sessions use the venue or one of its rooms.
    """
    room_ids = [room.id for room in venue.rooms]
    used = count_referencing(ConferenceSession.venue_id, venue.id)
    if room_ids:
        used += (
            db.session.scalar(
                select(func.count()).where(
                    ConferenceSession.room_id.in_(room_ids),
                    (ConferenceSession.venue_id.is_(None))
                    | (ConferenceSession.venue_id != venue.id),
                )
            )
            or 0
        )
    if used:
        raise Conflict(
            _(
                "%(count)d session(s) take place at “%(name)s”; move them elsewhere first.",
                count=used,
                name=venue.name,
            )
        )
    edition = venue.edition
    db.session.delete(venue)
    db.session.flush()
    db.session.expire(edition, ["venues"])


def save_room(venue: Venue, *, name: str, capacity: int | None, room: Room | None = None) -> Room:
    """Add a room to ``venue``, or change ``room``.

    :raises FormErrors: for a name the venue already uses or a capacity below one.
    """
    errors = FieldErrors()
    if capacity is not None and capacity < 1:
        errors.add("capacity", _("A capacity is at least 1; leave it empty if unknown."))
    query = select(Room.id).where(Room.venue_id == venue.id, Room.name == name)
    if room is not None:
        query = query.where(Room.id != room.id)
    if db.session.scalar(query) is not None:
        errors.add("name", _("This venue already has a room with this name."))
    errors.raise_any()
    if room is None:
        room = Room(venue_id=venue.id)
        db.session.add(room)
    room.name, room.capacity = name, capacity
    db.session.flush()
    db.session.expire(venue, ["rooms"])
    return room


def delete_room(room: Room) -> None:
    """Delete a room no session uses.

    :raises Conflict: if sessions are scheduled in it.
    """
    used = count_referencing(ConferenceSession.room_id, room.id)
    if used:
        raise Conflict(
            _(
                "%(count)d session(s) are scheduled in “%(name)s”; move them first.",
                count=used,
                name=room.name,
            )
        )
    venue = room.venue
    db.session.delete(room)
    db.session.flush()
    db.session.expire(venue, ["rooms"])
