"""Organiser operations on series and editions: create, edit, structure, publish, copy.

Every function validates all of its input before it changes anything, flushes and
leaves the commit to its caller. Input refused field by field raises ``FormErrors``,
whose ``errors`` map a form field's name to its messages ("" is the whole form).
"""

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, FieldErrors, FormErrors
from app.extensions import db
from app.models import (
    Agreement,
    AgreementStatus,
    ConferenceSession,
    Edition,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    InvitationStatus,
    Registration,
    RegistrationStatus,
    ReviewCriterion,
    Room,
    Series,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    ShowcaseStatus,
    Track,
    User,
    Venue,
    utcnow,
)
from app.permissions import is_site_organiser
from app.timezones import LocalTimeError, NonexistentLocalTime, is_valid_zone, local_to_utc

logger = logging.getLogger(__name__)

SERIES_FIELDS = ("slug", "name", "description")
EDITION_FIELDS = (
    "slug",
    "number",
    "year",
    "title",
    "theme",
    "description",
    "format",
    "timezone",
    "start_date",
    "end_date",
    "patronage",
    "organised_by",
    "call_opens_local",
    "call_closes_local",
)


class StaleEdit(Conflict):
    """Someone else saved the edition since the form was opened."""


def version_of(edition: Edition) -> str:
    """Return the token a form carries to notice that the edition changed meanwhile."""
    return edition.updated_at.isoformat() if edition.updated_at else ""


def _day(value: date) -> str:
    return format_date(value, format="long")


# Series ---------------------------------------------------------------------------------


def _check_series_slug(slug: str, errors: FieldErrors, *, series: Series | None = None) -> None:
    query = select(Series.id).where(Series.slug == slug)
    if series is not None:
        query = query.where(Series.id != series.id)
    if db.session.scalar(query) is not None:
        errors.add("slug", _("Another series already uses this address."))


def _save_or_slug_conflict(message: str, *new_objects, change=None) -> None:
    """Add ``new_objects``, apply ``change`` and flush, all inside a savepoint.

    A unique slug (or number) taken by a concurrent save becomes a field error, and the
    savepoint keeps the rest of the transaction usable.
    """
    try:
        with db.session.begin_nested():
            db.session.add_all(new_objects)
            if change is not None:
                change()
            db.session.flush()
    except IntegrityError as error:
        logger.info("unique constraint refused a save: %s", error.orig)
        text = str(error.orig).lower()
        name = "number" if "number" in text and "slug" not in text else "slug"
        raise FormErrors({name: [message]}) from error


def create_series(*, slug: str, name: str, description: str = "") -> Series:
    """Create a series.

    :raises FormErrors: if the slug is taken.
    """
    errors = FieldErrors()
    _check_series_slug(slug, errors)
    errors.raise_any()
    series = Series(slug=slug, name=name, description=description or "")
    _save_or_slug_conflict(_("Another series already uses this address."), series)
    return series


def update_series(series: Series, *, slug: str, name: str, description: str = "") -> Series:
    """Change a series' address, name and description.

    :raises FormErrors: if the slug is taken.
    """
    errors = FieldErrors()
    _check_series_slug(slug, errors, series=series)
    errors.raise_any()

    def change():
        series.slug, series.name, series.description = slug, name, description or ""

    _save_or_slug_conflict(_("Another series already uses this address."), change=change)
    return series


# Editions -------------------------------------------------------------------------------


def edition_slug_taken(slug: str, *, edition_id: int | None = None) -> bool:
    """Whether another edition than ``edition_id`` already uses the address ``slug``."""
    query = select(Edition.id).where(Edition.slug == slug)
    if edition_id is not None:
        query = query.where(Edition.id != edition_id)
    return db.session.scalar(query) is not None


def edition_number_taken(series_id: int, number: int, *, edition_id: int | None = None) -> bool:
    """Whether another edition than ``edition_id`` of the series has this ``number``."""
    query = select(Edition.id).where(Edition.series_id == series_id, Edition.number == number)
    if edition_id is not None:
        query = query.where(Edition.id != edition_id)
    return db.session.scalar(query) is not None


def _validate_edition(data: dict, *, edition: Edition | None, series: Series) -> dict:
    """Check edition input; return the UTC instants of its call window.

    :raises FormErrors: with every problem found, by field.
    """
    errors = FieldErrors()
    edition_id = edition.id if edition is not None else None
    if edition_slug_taken(data["slug"], edition_id=edition_id):
        errors.add("slug", _("Another edition already uses this address."))
    if edition_number_taken(series.id, data["number"], edition_id=edition_id):
        errors.add("number", _("This series already has an edition with this number."))
    zone = data["timezone"]
    if not is_valid_zone(zone):
        errors.add("timezone", _("Unknown time zone. Choose one such as Africa/Casablanca."))
    start, end = data["start_date"], data["end_date"]
    if end < start:
        errors.add("end_date", _("The edition cannot end before it starts."))
    instants = {}
    for name in ("call_opens_local", "call_closes_local"):
        local = data.get(name)
        if local is None or not is_valid_zone(zone):
            instants[name] = None
            continue
        try:
            instants[name] = local_to_utc(local, zone)
        except NonexistentLocalTime:
            errors.add(
                name,
                _(
                    "%(time)s does not exist in %(zone)s: the clocks skip it. "
                    "Choose a time before or after the change.",
                    time=local.strftime("%Y-%m-%d %H:%M"),
                    zone=zone,
                ),
            )
        except LocalTimeError as error:
            errors.add(name, str(error))
    opens, closes = instants.get("call_opens_local"), instants.get("call_closes_local")
    if opens and closes and closes <= opens:
        errors.add("call_closes_local", _("The call must close after it opens."))
    errors.raise_any()
    return instants


def create_edition(series: Series, data: dict, *, created_by: User | None = None) -> Edition:
    """Create a draft edition in ``series`` from form ``data`` (keys of ``EDITION_FIELDS``).

    A creator who is not a site organiser becomes an organiser of the new edition.

    :raises FormErrors: for a taken slug or number, an unknown zone, an end before the
        start, a call window time the zone skips.
    """
    _validate_edition(data, edition=None, series=series)
    # Built apart from the session (series_id, not series=) so that a refused save
    # leaves nothing behind in the series' collection of editions.
    edition = Edition(series_id=series.id, status=EditionStatus.DRAFT)
    _assign(edition, data)
    edition.refresh_instants()
    if created_by is not None and not is_site_organiser(created_by):
        edition.roles.append(EditionRole(user_id=created_by.id, role=EditionRoleKind.ORGANISER))
    _save_or_slug_conflict(_("Another edition already uses this address or number."), edition)
    return edition


def update_edition(
    edition: Edition, data: dict, *, series: Series | None = None, version: str | None = None
) -> Edition:
    """Change an edition's details from form ``data``.

    :param version: the ``version_of`` the edition when the form was opened.
    :raises StaleEdit: if someone saved the edition since.
    :raises FormErrors: for bad input, or changes that would make a published edition
        incoherent.
    """
    if version is not None and version != version_of(edition):
        raise StaleEdit(
            _(
                "This edition was changed meanwhile by someone else. Check the values below "
                "and save again to keep yours."
            )
        )
    series = series or edition.series
    _validate_edition(data, edition=edition, series=series)
    try:
        with db.session.begin_nested():
            edition.series = series
            _assign(edition, data)
            edition.refresh_instants()
            db.session.flush()
            if edition.status is EditionStatus.PUBLISHED:
                problems = publication_problems(edition)
                if problems:
                    raise FormErrors({"": problems})
    except IntegrityError as error:
        raise FormErrors({"slug": [_("Another edition already uses this address.")]}) from error
    return edition


def _assign(edition: Edition, data: dict) -> None:
    for name in EDITION_FIELDS:
        value = data.get(name)
        if name == "format" and isinstance(value, str):
            value = EditionFormat(value)
        if value is None and name in ("theme", "description", "patronage", "organised_by"):
            value = ""
        setattr(edition, name, value)


def organised_editions(user: User) -> list[Edition]:
    """Return the editions ``user`` may organise, newest first."""
    query = select(Edition).order_by(Edition.start_date.desc(), Edition.id)
    if not is_site_organiser(user):
        query = query.join(EditionRole).where(
            EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
        )
    return list(db.session.scalars(query))


def all_series() -> list[Series]:
    return list(db.session.scalars(select(Series).order_by(Series.name)))


# Tracks, venues, rooms -------------------------------------------------------------------


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


def _users_of(column, value) -> int:
    return db.session.scalar(select(func.count()).where(column == value)) or 0


def delete_track(track: Track) -> None:
    """Delete a track nobody uses.

    :raises Conflict: if sessions or showcases are on this axis.
    """
    sessions = _users_of(ConferenceSession.track_id, track.id)
    showcases = _users_of(Showcase.track_id, track.id)
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
        start=_day(edition.start_date),
        end=_day(edition.end_date),
    )


def delete_venue(venue: Venue) -> None:
    """Delete a venue and its rooms when no session takes place there.

    :raises Conflict: if sessions use the venue or one of its rooms.
    """
    room_ids = [room.id for room in venue.rooms]
    used = _users_of(ConferenceSession.venue_id, venue.id)
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
    used = _users_of(ConferenceSession.room_id, room.id)
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


# Status ---------------------------------------------------------------------------------


def _ends_on(moment: datetime) -> date:
    """The last day a range ending at ``moment`` touches (midnight belongs to the day before)."""
    return (moment - timedelta(microseconds=1)).date()


def publication_problems(edition: Edition) -> list[str]:
    """Return what keeps ``edition`` from being published, in plain words (empty: coherent)."""
    problems = []
    if not is_valid_zone(edition.timezone):
        problems.append(_("The time zone “%(zone)s” is unknown.", zone=edition.timezone))
    if edition.end_date < edition.start_date:
        problems.append(_("The edition ends before it starts."))
    if not edition.venues:
        problems.append(_("The edition has no venue."))
    for venue in edition.venues:
        if venue.timezone and not is_valid_zone(venue.timezone):
            problems.append(_("The venue “%(name)s” has an unknown time zone.", name=venue.name))
        for day in (venue.start_date, venue.end_date):
            if day is not None and not edition.start_date <= day <= edition.end_date:
                problems.append(
                    _(
                        "The venue “%(name)s” has dates outside the edition's (%(day)s).",
                        name=venue.name,
                        day=_day(day),
                    )
                )
                break
    sessions = db.session.scalars(
        select(ConferenceSession)
        .where(ConferenceSession.edition_id == edition.id)
        .order_by(ConferenceSession.starts_at)
    )
    for session_ in sessions:
        first, last = session_.starts_local.date(), _ends_on(session_.ends_local)
        if first < edition.start_date or last > edition.end_date:
            problems.append(
                _(
                    "The session “%(title)s” (%(day)s, %(zone)s) is outside the edition's days.",
                    title=session_.title,
                    day=_day(first),
                    zone=session_.timezone,
                )
            )
    if edition.call_closes_local is not None:
        if edition.call_closes_local.date() > edition.end_date:
            problems.append(_("The call for showcases closes after the edition ends."))
        if edition.call_opens_local and edition.call_opens_local >= edition.call_closes_local:
            problems.append(_("The call for showcases closes before it opens."))
    return problems


def publish_edition(edition: Edition) -> None:
    """Publish a draft (or archived) edition once it is coherent.

    :raises FormErrors: with ``publication_problems`` under "" if it is not.
    :raises Conflict: if it is already published.
    """
    if edition.status is EditionStatus.PUBLISHED:
        raise Conflict(_("This edition is already published."))
    problems = publication_problems(edition)
    if problems:
        raise FormErrors({"": problems})
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = utcnow()
    db.session.flush()


def unpublish_problems(edition: Edition) -> list[str]:
    """Return what forbids a published edition from going back to draft."""
    problems = []
    if edition.status is not EditionStatus.PUBLISHED:
        problems.append(_("Only a published edition can go back to draft."))
    if edition.programme_published_at is not None:
        problems.append(_("Its programme is published."))
    registered = _users_of(Registration.edition_id, edition.id)
    if registered:
        problems.append(_("%(count)d person(s) registered for it.", count=registered))
    submitted = db.session.scalar(
        select(func.count()).where(
            Showcase.edition_id == edition.id, Showcase.status != ShowcaseStatus.DRAFT
        )
    )
    if submitted:
        problems.append(_("%(count)d showcase(s) were submitted to it.", count=submitted))
    return problems


def unpublish_edition(edition: Edition) -> None:
    """Take a published edition back to draft when nobody relies on it yet.

    :raises FormErrors: with the reasons under "" otherwise.
    """
    problems = unpublish_problems(edition)
    if problems:
        raise FormErrors({"": problems})
    edition.status = EditionStatus.DRAFT
    edition.published_at = None
    db.session.flush()


def archive_edition(edition: Edition) -> None:
    """Archive a published edition: it stays public, read-only for attendees.

    :raises Conflict: if the edition is not published.
    """
    if edition.status is not EditionStatus.PUBLISHED:
        raise Conflict(_("Only a published edition can be archived."))
    edition.status = EditionStatus.ARCHIVED
    db.session.flush()


def publish_programme(edition: Edition) -> int:
    """Publish the edition's programme: from now on it is final for submitters.

    Delegates can no longer withdraw a showcase, and the decisions taken so far count as
    announced, so the accepted showcases enter the public catalogue with it.

    :returns: how many decisions this announced.
    :raises Conflict: if the edition is not published, or its programme already is.
    """
    from app.showcases.services import announce_decisions

    if edition.status is not EditionStatus.PUBLISHED:
        raise Conflict(_("Publish the edition before its programme."))
    if edition.programme_published_at is not None:
        raise Conflict(_("The programme is already published."))
    edition.programme_published_at = utcnow()
    return announce_decisions(edition, edition.programme_published_at)


def change_status(edition: Edition, target: EditionStatus) -> None:
    """Move ``edition`` to ``target`` through the allowed transitions.

    :raises FormErrors: for a publish of an incoherent edition or a refused unpublish.
    :raises Conflict: for a transition that does not exist.
    """
    if target is EditionStatus.PUBLISHED:
        publish_edition(edition)
    elif target is EditionStatus.ARCHIVED:
        archive_edition(edition)
    else:
        unpublish_edition(edition)


# Copy -----------------------------------------------------------------------------------


def _shift_years(value, years: int):
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February in a year without one
        return value.replace(year=value.year + years, day=28)


@dataclass
class CopyResult:
    edition: Edition
    notes: list[str] = field(default_factory=list)


def next_edition_defaults(source: Edition) -> dict:
    """Return the number, year, slug and title proposed for the edition after ``source``."""
    number = (
        db.session.scalar(
            select(func.max(Edition.number)).where(Edition.series_id == source.series_id)
        )
        or source.number
    ) + 1
    year = source.year + 1
    slug = source.slug.replace(str(source.year), str(year))
    if slug == source.slug:
        slug = f"{source.slug}-{year}"
    title = _renumber(source.title.replace(str(source.year), str(year)), source.number, number)
    return {"number": number, "year": year, "slug": slug, "title": title}


_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th|e|ème|eme|re|ère)\b", re.IGNORECASE)


def _renumber(title: str, old: int, new: int) -> str:
    """Change the ordinal of edition ``old`` in ``title`` ("7e édition", "7th") to ``new``."""

    def replace(match: re.Match) -> str:
        if int(match.group(1)) != old:
            return match.group(0)
        suffix = match.group(2)
        if suffix.lower() in ("st", "nd", "rd", "th"):
            last_two = new % 100
            suffix = (
                "th" if 11 <= last_two <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(new % 10, "th")
            )
        elif suffix.lower() in ("re", "ère"):
            suffix = "e"
        return f"{new}{suffix}"

    return _ORDINAL.sub(replace, title)


def copy_edition(
    source: Edition,
    *,
    slug: str,
    number: int,
    year: int,
    title: str,
    created_by: User | None = None,
) -> CopyResult:
    """Create the next edition of ``source``'s series with its structure.

    Copies the format, zone, theme, description, patronage and organiser, the tracks,
    venues with their rooms, review criteria and organisers; dates and the call window
    move by the difference in years. The copy is a draft.

    :raises FormErrors: for a taken slug or number.
    """
    years = year - source.year
    data = {
        "slug": slug,
        "number": number,
        "year": year,
        "title": title,
        "theme": source.theme,
        "description": source.description,
        "format": source.format,
        "timezone": source.timezone,
        "start_date": _shift_years(source.start_date, years),
        "end_date": _shift_years(source.end_date, years),
        "patronage": source.patronage,
        "organised_by": source.organised_by,
        "call_opens_local": _shift_years(source.call_opens_local, years),
        "call_closes_local": _shift_years(source.call_closes_local, years),
    }
    notes = []
    for name in ("call_opens_local", "call_closes_local"):
        local = data[name]
        if local is None:
            continue
        try:
            local_to_utc(local, source.timezone)
        except LocalTimeError:
            data[name] = None
            notes.append(
                _(
                    "%(time)s does not exist in %(zone)s; set the call window again.",
                    time=local.strftime("%Y-%m-%d %H:%M"),
                    zone=source.timezone,
                )
            )
    if (data["call_opens_local"] is None) != (data["call_closes_local"] is None):
        data["call_opens_local"] = data["call_closes_local"] = None
    _validate_edition(data, edition=None, series=source.series)
    with db.session.no_autoflush:
        edition = _copy_structure(source, data, years, created_by)
    _save_or_slug_conflict(_("Another edition already uses this address or number."), edition)
    return CopyResult(edition, notes)


def _copy_structure(source: Edition, data: dict, years: int, created_by: User | None) -> Edition:
    """Build (outside the session) the new edition with ``source``'s structure."""
    edition = Edition(series_id=source.series_id, status=EditionStatus.DRAFT)
    _assign(edition, data)
    edition.refresh_instants()
    for track in source.tracks:
        edition.tracks.append(
            Track(
                name=track.name,
                description=track.description,
                colour=track.colour,
                position=track.position,
            )
        )
    for venue in source.venues:
        copy = Venue(
            name=venue.name,
            town=venue.town,
            address=venue.address,
            timezone=venue.timezone,
            start_date=_shift_years(venue.start_date, years),
            end_date=_shift_years(venue.end_date, years),
            position=venue.position,
        )
        copy.rooms = [Room(name=room.name, capacity=room.capacity) for room in venue.rooms]
        edition.venues.append(copy)
    for criterion in source.review_criteria:
        edition.review_criteria.append(
            ReviewCriterion(
                name=criterion.name,
                description=criterion.description,
                weight=criterion.weight,
                position=criterion.position,
            )
        )
    organisers = {role.user_id for role in source.roles if role.role is EditionRoleKind.ORGANISER}
    if created_by is not None and not is_site_organiser(created_by):
        organisers.add(created_by.id)
    for user_id in sorted(organisers):
        edition.roles.append(EditionRole(user_id=user_id, role=EditionRoleKind.ORGANISER))
    return edition


# Dashboard ------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: int
    width: int
    y: int
    colour: str = "#3559a8"


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: int
    width: int = 360
    label_width: int = 140


def bar_chart(title: str, rows: list[tuple[str, int, str]], *, width: int = 360) -> Chart:
    """Lay out a horizontal bar chart (label, value, colour) for a server-rendered SVG."""
    label_width, bar_space, step = 140, width - 140 - 40, 26
    top = max((value for _label, value, _colour in rows), default=0) or 1
    bars = [
        Bar(label, value, round(bar_space * value / top), index * step, colour)
        for index, (label, value, colour) in enumerate(rows)
    ]
    return Chart(
        title, bars, height=max(step * len(bars), step), width=width, label_width=label_width
    )


@dataclass
class Dashboard:
    showcase_statuses: list[ShowcaseStatus]
    showcases_by_axis: list[tuple[str, dict, int]]
    session_statuses: list[SessionStatus]
    sessions_by_day: list[tuple[date, dict, int]]
    speakers_confirmed: int
    speakers_total: int
    agreements_by_status: list[tuple[AgreementStatus, int]]
    registrations_by_status: list[tuple[RegistrationStatus, int]]
    registrations: int
    charts: list[Chart]


def dashboard(edition: Edition) -> Dashboard:
    """Count an edition's showcases, sessions, speakers, agreements and registrations."""
    tracks = {track.id: track for track in edition.tracks}
    by_axis: dict = defaultdict(Counter)
    for track_id, status, count in db.session.execute(
        select(Showcase.track_id, Showcase.status, func.count())
        .where(Showcase.edition_id == edition.id)
        .group_by(Showcase.track_id, Showcase.status)
    ):
        by_axis[track_id][status] += count
    axis_rows = [
        (track.name, dict(by_axis.get(track.id, {})), sum(by_axis.get(track.id, {}).values()))
        for track in edition.tracks
    ]
    loose = Counter()
    for key in set(by_axis) - set(tracks):
        loose.update(by_axis[key])
    if loose:
        axis_rows.append((_("No axis"), dict(loose), sum(loose.values())))

    by_day: dict = defaultdict(Counter)
    for starts_local, status in db.session.execute(
        select(ConferenceSession.starts_local, ConferenceSession.status).where(
            ConferenceSession.edition_id == edition.id
        )
    ):
        by_day[starts_local.date()][status] += 1
    day_rows = [(day, dict(by_day[day]), sum(by_day[day].values())) for day in sorted(by_day)]

    speaker_counts = dict(
        db.session.execute(
            select(SessionSpeaker.invitation, func.count(func.distinct(SessionSpeaker.speaker_id)))
            .join(ConferenceSession, SessionSpeaker.session_id == ConferenceSession.id)
            .where(ConferenceSession.edition_id == edition.id)
            .group_by(SessionSpeaker.invitation)
        ).all()
    )
    speakers_total = db.session.scalar(
        select(func.count(func.distinct(SessionSpeaker.speaker_id)))
        .join(ConferenceSession, SessionSpeaker.session_id == ConferenceSession.id)
        .where(ConferenceSession.edition_id == edition.id)
    )
    agreements = dict(
        db.session.execute(
            select(Agreement.status, func.count())
            .where(Agreement.edition_id == edition.id)
            .group_by(Agreement.status)
        ).all()
    )
    registrations = dict(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.edition_id == edition.id)
            .group_by(Registration.status)
        ).all()
    )
    charts = [
        bar_chart(
            _("Showcases by axis"),
            [
                (name, total, tracks_colour)
                for (name, _counts, total), tracks_colour in zip(
                    axis_rows,
                    [track.colour for track in edition.tracks] + ["#6b7380"],
                    strict=False,
                )
            ],
        ),
        bar_chart(
            _("Sessions by day"),
            [(_day(day), total, "#1f3f7a") for day, _counts, total in day_rows],
        ),
    ]
    return Dashboard(
        showcase_statuses=list(ShowcaseStatus),
        showcases_by_axis=axis_rows,
        session_statuses=list(SessionStatus),
        sessions_by_day=day_rows,
        speakers_confirmed=speaker_counts.get(InvitationStatus.CONFIRMED, 0),
        speakers_total=speakers_total or 0,
        agreements_by_status=[(status, agreements.get(status, 0)) for status in AgreementStatus],
        registrations_by_status=[
            (status, registrations.get(status, 0)) for status in RegistrationStatus
        ],
        registrations=registrations.get(RegistrationStatus.REGISTERED, 0),
        charts=charts,
    )
