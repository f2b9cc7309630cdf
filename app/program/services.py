"""Organiser operations on sessions and speakers: save, place, cancel, invite, answer.

Every function validates its input before it writes, works inside a savepoint when a
refusal can come after writes (a room overlap found once the session is in place),
flushes and leaves the commit to its caller.
"""

import io
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import audit, signals
from app.auth.queries import TokenExpired, TokenInvalid, read_token, sign_token
from app.errors import Conflict, FieldErrors, FormErrors, InvalidInput, InvalidToken
from app.extensions import db
from app.formatting import day_and_time, long_date
from app.labels import SESSION_KIND_LABELS
from app.models import (
    ConferenceSession,
    Edition,
    InvitationStatus,
    Organisation,
    Room,
    SessionKind,
    SessionSpeaker,
    SessionStatus,
    Speaker,
    SpeakerAvailability,
    SpeakerRole,
    StakeholderCategory,
    Track,
    User,
    Venue,
    utcnow,
)
from app.program import emails
from app.program.queries import conflicts
from app.program.queries.programme import STATUS_LABELS
from app.timezones import LocalTimeError, NonexistentLocalTime, local_to_utc
from app.uploads import JPEG, PNG, sniff

logger = logging.getLogger(__name__)

SESSION_FIELDS = (
    "kind",
    "title",
    "abstract",
    "track_id",
    "room_id",
    "venue_id",
    "online_url",
    "starts_local",
    "ends_local",
    "status",
    "capacity",
)
# What a calendar shows of a session: a change to any of these grows its sequence.
CALENDAR_FIELDS = (
    "title",
    "starts_local",
    "ends_local",
    "timezone",
    "room_id",
    "venue_id",
    "status",
)
SPEAKER_FIELDS = (
    "name",
    "title",
    "bio",
    "email",
    "organisation_id",
    "category",
    "account_email",
    "links",
)
INVITATION_SALT = "speaker-invitation"
INVITATION_MAX_AGE = 60 * 24 * 3600
PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Photos are stored at most this wide and high (their proportions kept).
PHOTO_MAX_SIDE = 800
MAX_LINKS = 10
MAX_LINK_LENGTH = 500
PROFILE_FIELDS = ("name", "title", "bio", "organisation_id", "links")


class StaleSession(Conflict):
    """Someone saved the session since the form was opened."""


class ScheduleWarnings(InvalidInput):
    """The save found conflicts the organiser may accept ("save anyway")."""

    def __init__(self, warnings: list[conflicts.ScheduleConflict]):
        super().__init__(warnings[0].message)
        self.warnings = warnings


@dataclass
class SavedSession:
    session: ConferenceSession
    warnings: list[conflicts.ScheduleConflict]
    calendar_changed: bool


# Sessions --------------------------------------------------------------------------------


def _part_of_edition(model, object_id, edition: Edition):
    if not object_id:
        return None
    obj = db.session.get(model, object_id)
    if obj is None:
        return False
    owner = obj.venue.edition_id if isinstance(obj, Room) else obj.edition_id
    return obj if owner == edition.id else False


def _zone_of(room: Room | None, venue: Venue | None, edition: Edition) -> str:
    if room is not None:
        return room.venue.zone
    if venue is not None:
        return venue.zone
    return edition.timezone


def _check_time(value: datetime | None, zone: str, name: str, errors: FieldErrors):
    if value is None:
        errors.add(name, _("Give a date and time."))
        return None
    try:
        return local_to_utc(value, zone)
    except NonexistentLocalTime:
        errors.add(
            name,
            _(
                "%(time)s does not exist in %(zone)s: the clocks skip it (a change to "
                "summer time). Choose another time.",
                time=day_and_time(value),
                zone=zone,
            ),
        )
    except LocalTimeError:
        errors.add(name, _("This time cannot be placed in the zone %(zone)s.", zone=zone))
    return None


def _calendar_view(session_: ConferenceSession) -> tuple:
    # Relationships rather than foreign keys: these are set before the flush.
    values = {name: getattr(session_, name) for name in CALENDAR_FIELDS}
    values["room_id"] = session_.room.id if session_.room is not None else None
    values["venue_id"] = session_.venue.id if session_.venue is not None else None
    return tuple(values.values())


def session_values(session_: ConferenceSession) -> dict[str, str]:
    """The values of a session an organiser recognises, to show them after a refusal."""
    room = session_.room
    place = f"{room.name} ({room.venue.name})" if room is not None else ""
    if session_.venue is not None and room is None:
        place = session_.venue.name
    return {
        _("Title"): session_.title,
        _("Start"): f"{day_and_time(session_.starts_local)} ({session_.timezone})",
        _("End"): day_and_time(session_.ends_local),
        _("Room"): place or "—",
        _("Online link"): session_.online_url or "—",
        _("Status"): str(STATUS_LABELS[session_.status]),
        _("Kind"): str(SESSION_KIND_LABELS[session_.kind]),
        _("Abstract"): session_.abstract or "—",
    }


class _Place(NamedTuple):
    track: Track | None
    room: Room | None
    venue: Venue | None
    online_url: str | None
    zone: str


def _checked_place(edition: Edition, data: dict) -> _Place:
    """Check where and when a session's form ``data`` puts it, before anything is written.

    :raises FormErrors: for a track, room or venue of another edition, a room not at the
        chosen venue, no place at all, a time the clocks skip, or an end before the start.
    """
    errors = FieldErrors()
    track = _part_of_edition(Track, data.get("track_id"), edition)
    room = _part_of_edition(Room, data.get("room_id"), edition)
    venue = _part_of_edition(Venue, data.get("venue_id"), edition)
    for name, value in (("track_id", track), ("room_id", room), ("venue_id", venue)):
        if value is False:
            errors.add(name, _("Choose one of this edition's own."))
    room = room or None
    venue = venue or None
    if room is not None and venue is not None and room.venue_id != venue.id:
        errors.add("room_id", _("This room is not at the chosen venue."))
    if room is not None:
        venue = room.venue
    online_url = (data.get("online_url") or "").strip() or None
    if room is None and venue is None and online_url is None:
        errors.add(
            "room_id",
            _("Choose a room or a venue, or give an online link (or both, for a hybrid session)."),
        )
    zone = _zone_of(room, venue, edition)
    starts = _check_time(data.get("starts_local"), zone, "starts_local", errors)
    ends = _check_time(data.get("ends_local"), zone, "ends_local", errors)
    if starts is not None and ends is not None and ends <= starts:
        errors.add("ends_local", _("The session must end after it starts."))
    errors.raise_any()
    return _Place(track, room, venue, online_url, zone)


def _refuse_if_stale(session_: ConferenceSession | None, version: int | str | None) -> None:
    # None: the caller does not check (a script, another service). Anything else must be
    # the current version: an empty or unreadable one is refused, never taken as "any".
    if (
        session_ is not None
        and version is not None
        and str(version).strip() != str(session_.version_id)
    ):
        raise StaleSession(_("This session was changed meanwhile by someone else."))


def save_session(
    edition: Edition,
    data: dict,
    *,
    session_: ConferenceSession | None = None,
    version: int | str | None = None,
    accept_warnings: bool = False,
    actor: User | None = None,
) -> SavedSession:
    """Create or change a session from form ``data``, checking its schedule.

    Times are wall-clock times in the zone of the room's venue (else the chosen venue's,
    else the edition's). A change a calendar must see grows ``sequence``, stamps
    ``changed_at`` and notifies the speakers and the attendees who starred the session.

    :param version: the session's ``version_id`` when the form was opened; None skips
        the check, an empty or unreadable value is refused.
    :param accept_warnings: save even if the non-blocking checks found something.
    :raises StaleSession: if someone saved the session since the form was opened.
    :raises FormErrors: for bad input, a time the clocks skip, an end before the start,
        or a room already taken (the message names the other session).
    :raises ScheduleWarnings: when warnings were found and not accepted.
    """
    _refuse_if_stale(session_, version)
    place = _checked_place(edition, data)
    is_new = session_ is None
    before = None if is_new else _calendar_view(session_)
    was_cancelled = not is_new and session_.is_cancelled
    seats_before = None if is_new else session_.seats
    target = session_ or ConferenceSession(edition=edition)
    try:
        with db.session.begin_nested():
            target.kind = SessionKind(data["kind"])
            target.title = data["title"]
            target.abstract = data.get("abstract") or ""
            target.track = place.track
            target.room = place.room
            target.venue = place.venue
            target.online_url = place.online_url
            target.status = SessionStatus(data.get("status") or SessionStatus.TENTATIVE.value)
            if "capacity" in data:
                target.capacity = data["capacity"]
            target.set_times(data["starts_local"], data["ends_local"], place.zone)
            calendar_changed = not is_new and _calendar_view(target) != before
            if calendar_changed:
                target.sequence = (target.sequence or 0) + 1
                target.changed_at = utcnow()
            db.session.add(target)
            db.session.flush()
            found = conflicts.session_conflicts(target)
            blocking = [c for c in found if c.is_blocking]
            if blocking:
                raise FormErrors({"room_id": [c.message for c in blocking]})
            warnings = [c for c in found if not c.is_blocking]
            if warnings and not accept_warnings:
                raise ScheduleWarnings(warnings)
            if calendar_changed:
                emails.notify_session_changed(
                    target, cancelled=target.is_cancelled and not was_cancelled, actor=actor
                )
    except StaleDataError as error:
        raise StaleSession(_("This session was changed meanwhile by someone else.")) from error
    audit.record("session.created" if is_new else "session.saved", target, actor=actor)
    if is_new:
        signals.session_scheduled.send(target, actor=actor)
    elif calendar_changed and target.is_cancelled and not was_cancelled:
        signals.session_cancelled.send(target, actor=actor)
    elif calendar_changed:
        signals.session_changed.send(target, actor=actor)
    if not is_new and not target.is_cancelled and target.seats != seats_before:
        signals.session_seats_changed.send(target, actor=actor)
    return SavedSession(target, warnings, calendar_changed)


def _form_data(session_: ConferenceSession) -> dict:
    return {
        "kind": session_.kind.value,
        "title": session_.title,
        "abstract": session_.abstract,
        "track_id": session_.track_id,
        "room_id": session_.room_id,
        "venue_id": session_.venue_id,
        "online_url": session_.online_url,
        "starts_local": session_.starts_local,
        "ends_local": session_.ends_local,
        "status": session_.status.value,
        "capacity": session_.capacity,
    }


def place_session(
    session_: ConferenceSession,
    *,
    room_id: int | None,
    starts_local: datetime,
    version: int | str | None = None,
    accept_warnings: bool = False,
    actor: User | None = None,
) -> SavedSession:
    """Move a session to ``room_id`` at ``starts_local``, keeping its wall-clock length.

    :raises StaleSession, FormErrors, ScheduleWarnings: as ``save_session``.
    """
    data = _form_data(session_)
    length = session_.ends_local - session_.starts_local
    data.update(room_id=room_id, starts_local=starts_local, ends_local=starts_local + length)
    if room_id:
        data["venue_id"] = None
    return save_session(
        session_.edition,
        data,
        session_=session_,
        version=version,
        accept_warnings=accept_warnings,
        actor=actor,
    )


def cancel_session(
    session_: ConferenceSession, *, version: int | str | None = None, actor: User | None = None
) -> SavedSession:
    """Cancel a session: it stays (for calendars and history) and its people are told.

    :raises StaleSession: if someone saved the session since the form was opened.
    """
    data = _form_data(session_)
    data["status"] = SessionStatus.CANCELLED.value
    return save_session(
        session_.edition,
        data,
        session_=session_,
        version=version,
        accept_warnings=True,
        actor=actor,
    )


# Speakers of a session -------------------------------------------------------------------


def add_speaker(
    session_: ConferenceSession,
    speaker: Speaker,
    role: SpeakerRole,
    *,
    accept_warnings: bool = False,
) -> SessionSpeaker:
    """Put ``speaker`` in ``session_`` with ``role``; their clashes are warnings.

    :raises FormErrors: if the speaker is already in the session.
    :raises ScheduleWarnings: if the speaker is busy elsewhere or unavailable, unaccepted.
    """
    if any(place.speaker_id == speaker.id for place in session_.speakers):
        raise FormErrors({"speaker_id": [_("This speaker is already in the session.")]})
    with db.session.begin_nested():
        place = SessionSpeaker(speaker=speaker, role=role, position=len(session_.speakers))
        session_.speakers.append(place)
        db.session.flush()
        warnings = [
            c
            for c in conflicts.session_conflicts(session_)
            if not c.is_blocking and c.speaker_id == speaker.id
        ]
        if warnings and not accept_warnings:
            raise ScheduleWarnings(warnings)
    return place


def remove_speaker(place: SessionSpeaker) -> None:
    """Take a speaker out of a session."""
    session_ = place.session
    session_.speakers.remove(place)
    db.session.flush()


def invitation_token(place: SessionSpeaker) -> str:
    """Return the signed, password-free token of a speaker's invitation to a session."""
    return sign_token({"id": place.id, "speaker": place.speaker_id}, salt=INVITATION_SALT)


def invite_speaker(place: SessionSpeaker, *, actor: User | None = None) -> None:
    """Mail a speaker a link to confirm or decline their place in a session.

    :raises FormErrors: if the speaker has no email address, or the session is cancelled.
    """
    if not place.speaker.email:
        raise FormErrors({"": [_("Add an email address to the speaker's profile first.")]})
    if place.session.is_cancelled:
        raise FormErrors({"": [_("The session is cancelled.")]})
    place.invitation = InvitationStatus.INVITED
    place.responded_at = None
    emails.notify_invitation(place, invitation_token(place), actor=actor)
    db.session.flush()


def invitation_from_token(token: str) -> SessionSpeaker:
    """Return the place in a session an invitation link stands for.

    :raises InvalidToken: if the link is tampered with, expired or no longer matches.
    """
    try:
        payload = read_token(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except TokenExpired as error:
        raise InvalidToken(_("This invitation link has expired. Ask the organisers.")) from error
    except TokenInvalid as error:
        raise InvalidToken(_("This invitation link is not valid.")) from error
    place = db.session.get(SessionSpeaker, payload["id"])
    if place is None or place.speaker_id != payload.get("speaker"):
        raise InvalidToken(_("This invitation is no longer valid."))
    return place


def answer_invitation(place: SessionSpeaker, accept: bool) -> SessionSpeaker:
    """Record a speaker's answer to an invitation.

    :raises InvalidInput: if they try to confirm a cancelled session.
    """
    if accept and place.session.is_cancelled:
        raise InvalidInput(_("This session was cancelled."))
    place.invitation = InvitationStatus.CONFIRMED if accept else InvitationStatus.DECLINED
    place.responded_at = utcnow()
    db.session.flush()
    return place


# Speakers' availability ------------------------------------------------------------------


def add_availability(
    edition: Edition, speaker: Speaker, starts_local: datetime | None, ends_local: datetime | None
) -> SpeakerAvailability:
    """Record a period in which ``speaker`` can be scheduled, on the edition's wall clock.

    Once a speaker has stated one period, the conflict check warns about any session of
    theirs that falls outside all of them.

    :raises FormErrors: for a time the clocks skip in the edition's zone, an end that is
        not after the start, or a time outside the edition's days (each next to its field).
    """
    errors = FieldErrors()
    zone = edition.timezone
    starts = _check_time(starts_local, zone, "starts_local", errors)
    ends = _check_time(ends_local, zone, "ends_local", errors)
    first = datetime.combine(edition.start_date, time.min)
    after_last = datetime.combine(edition.end_date + timedelta(days=1), time.min)
    outside = _(
        "Choose a time within the edition's days, %(first)s to %(last)s.",
        first=long_date(edition.start_date),
        last=long_date(edition.end_date),
    )
    if starts is not None and not first <= starts_local < after_last:
        errors.add("starts_local", outside)
    if ends is not None and not first < ends_local <= after_last:
        errors.add("ends_local", outside)
    if starts is not None and ends is not None and ends <= starts:
        errors.add("ends_local", _("The period must end after it starts."))
    errors.raise_any()
    period = SpeakerAvailability(speaker_id=speaker.id, edition_id=edition.id)
    period.set_times(starts_local, ends_local, zone)
    db.session.add(period)
    db.session.flush()
    return period


def remove_availability(edition: Edition, speaker: Speaker, availability_id: int) -> bool:
    """Delete one of ``speaker``'s periods in ``edition``; return False if there is none."""
    period = db.session.get(SpeakerAvailability, availability_id)
    if period is None or period.edition_id != edition.id or period.speaker_id != speaker.id:
        return False
    db.session.delete(period)
    db.session.flush()
    return True


# Speaker profiles ------------------------------------------------------------------------


def read_photo(upload) -> tuple[bytes, str]:
    """Return the bytes and extension of an uploaded photo, checked by its first bytes,
    opened as an image and stored at most 800 pixels a side (without its metadata).

    :raises FormErrors: if it is not a PNG or JPEG image, or too large.
    """
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise FormErrors({"photo": [_("The photo is larger than 2 MB.")]})
    found = sniff(data, allowed=(PNG, JPEG))
    if not found:
        raise FormErrors({"photo": [_("The photo must be a PNG or JPEG image.")]})
    return _resized(data, found[1]), found[1]


def _resized(data: bytes, extension: str) -> bytes:
    """Return the image shrunk to fit ``PHOTO_MAX_SIDE``, written again in its own format.

    :raises FormErrors: if the bytes only start like an image.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            if extension == "png":
                image.save(out, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise FormErrors({"photo": [_("The photo could not be read as an image.")]}) from error
    return out.getvalue()


def _store_photo(speaker: Speaker, photo_data: tuple[bytes, str]) -> None:
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(16)}.{photo_data[1]}"
    (folder / name).write_bytes(photo_data[0])
    speaker.photo_path = f"speakers/{name}"


def parse_links(value: str | None) -> list[dict[str, str]]:
    """Read a speaker's links, one a line: a label then an http(s) address.

    A line with only an address gets its host as label.

    :raises FormErrors: naming the lines whose address is not an http or https one, or
        when there are more than ten links.
    """
    links = []
    errors = []
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        label, _space, url = line.rpartition(" ")
        label = " ".join(label.split())[:100]
        parts = urlsplit(url) if len(url) <= MAX_LINK_LENGTH else None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            errors.append(
                _(
                    "Line %(number)d: give an address starting with https:// or http://.",
                    number=number,
                )
            )
            continue
        links.append({"label": label or parts.hostname or url, "url": url})
    if len(links) > MAX_LINKS:
        errors.append(_("Give at most %(count)d links.", count=MAX_LINKS))
    if errors:
        raise FormErrors({"links": errors})
    return links


def links_text(speaker: Speaker) -> str:
    """The links of a profile as the form shows them, one a line."""
    return "\n".join(f"{link['label']} {link['url']}" for link in speaker.links or [])


def _checked(read, name: str, errors: FieldErrors):
    """Return ``read()``, or None with its messages about ``name`` added to ``errors``."""
    try:
        return read()
    except FormErrors as error:
        for message in error.errors.get(name, []):
            errors.add(name, message)
        return None


def update_own_profile(speaker: Speaker, data: dict, *, photo=None) -> Speaker:
    """Change what speakers may change of their own profile: name, title, biography,
    organisation, links and photo (their email, category and account stay the organisers').

    :raises FormErrors: for an unknown organisation, an address that is not http(s) or a
        photo that is not an image (each next to its field).
    """
    errors = FieldErrors()
    organisation = None
    if data.get("organisation_id"):
        organisation = db.session.get(Organisation, data["organisation_id"])
        if organisation is None:
            errors.add("organisation_id", _("Choose an organisation from the list."))
    links = _checked(lambda: parse_links(data.get("links")), "links", errors) or []
    photo_data = None
    if getattr(photo, "filename", ""):
        photo_data = _checked(lambda: read_photo(photo), "photo", errors)
    errors.raise_any()
    speaker.name = data["name"]
    speaker.title = data.get("title") or ""
    speaker.bio = data.get("bio") or ""
    speaker.organisation = organisation
    speaker.links = links
    if photo_data is not None:
        _store_photo(speaker, photo_data)
    audit.record("speaker.profile_updated", speaker)
    db.session.flush()
    return speaker


def photo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "speakers"


def _account_to_link(
    account_email: str | None, speaker: Speaker | None, errors: FieldErrors
) -> User | None:
    """Return the account a speaker profile is to be linked to, adding to ``errors`` if none."""
    account_email = (account_email or "").strip()
    if not account_email:
        return None
    user = db.session.scalar(select(User).where(db.func.lower(User.email) == account_email.lower()))
    if user is None:
        errors.add("account_email", _("No account uses this email address."))
        return None
    taken = db.session.scalar(
        select(Speaker.id).where(
            Speaker.user_id == user.id, Speaker.id != (speaker.id if speaker else -1)
        )
    )
    if taken is not None:
        errors.add("account_email", _("This account already has a speaker profile."))
    return user


def save_speaker(data: dict, *, speaker: Speaker | None = None, photo=None) -> Speaker:
    """Create or change a speaker's profile; an account is linked by its email if given.

    :param photo: an uploaded file (PNG or JPEG), or None to keep the current one.
    :raises FormErrors: for an unknown organisation or account, an account already
        linked to another speaker, a link that is not http(s), or a photo that is not an
        image.
    """
    errors = FieldErrors()
    organisation = None
    if data.get("organisation_id"):
        organisation = db.session.get(Organisation, data["organisation_id"])
        if organisation is None:
            errors.add("organisation_id", _("Choose an organisation from the list."))
    user = _account_to_link(data.get("account_email"), speaker, errors)
    links = None
    if "links" in data:
        links = _checked(lambda: parse_links(data["links"]), "links", errors)
    photo_data = None
    if photo is not None and getattr(photo, "filename", ""):
        try:
            photo_data = read_photo(photo)
        except FormErrors as error:
            for name, messages in error.errors.items():
                for message in messages:
                    errors.add(name, message)
    errors.raise_any()
    target = speaker or Speaker()
    target.name = data["name"]
    target.title = data.get("title") or ""
    target.bio = data.get("bio") or ""
    target.email = (data.get("email") or "").strip() or None
    target.organisation = organisation
    target.category = StakeholderCategory(data.get("category") or "other")
    target.user = user
    if links is not None:
        target.links = links
    if photo_data is not None:
        _store_photo(target, photo_data)
    try:
        with db.session.begin_nested():
            db.session.add(target)
            db.session.flush()
    except IntegrityError as error:
        raise FormErrors(
            {"account_email": [_("This account already has a speaker profile.")]}
        ) from error
    return target
