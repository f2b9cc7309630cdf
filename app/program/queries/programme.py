"""Reads behind the public programme: filters and their choices, session and speaker pages."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import defaultload, defer, joinedload, subqueryload

from app.extensions import db
from app.models import (
    AgendaEntry,
    ConferenceSession,
    Edition,
    EditionStatus,
    InvitationStatus,
    Room,
    SessionKind,
    SessionShowcase,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    Speaker,
    SpeakerRole,
    Track,
    Venue,
)
from app.timezones import is_valid_zone

PUBLIC_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)
VIEWS = ("grid", "list")

STATUS_LABELS = {
    SessionStatus.TENTATIVE: _l("Tentative"),
    SessionStatus.CONFIRMED: _l("Confirmed"),
    SessionStatus.CANCELLED: _l("Cancelled"),
}
# A speaker's own answer to an invitation (not the session's status).
INVITATION_LABELS = {
    InvitationStatus.NOT_SENT: _l("Not invited yet"),
    InvitationStatus.INVITED: _l("Invited: waiting for your answer"),
    InvitationStatus.CONFIRMED: _l("Accepted"),
    InvitationStatus.DECLINED: _l("Declined"),
}
ROLE_LABELS = {
    SpeakerRole.SPEAKER: _l("Speaker"),
    SpeakerRole.MODERATOR: _l("Moderator"),
    SpeakerRole.PANELLIST: _l("Panellist"),
}


@dataclass(frozen=True)
class Notice:
    """A message about something the reader typed, such as an unknown filter value.

    Flask-Babel's lazy strings count as safe HTML in templates, so the reader's value is
    kept apart and filled in by ``str()``; Jinja then escapes the whole message.
    """

    message: str
    value: str

    def __str__(self) -> str:
        return str(self.message) % {"value": self.value}


@dataclass(frozen=True)
class ProgrammeFilters:
    """What a programme view is narrowed to; ``None`` means no narrowing."""

    track_id: int | None = None
    kind: SessionKind | None = None
    day: date | None = None
    venue_id: int | None = None

    def as_query(self) -> dict[str, str]:
        """Return the filters as query-string parameters (only those that are set)."""
        query = {}
        if self.track_id is not None:
            query["track"] = str(self.track_id)
        if self.kind is not None:
            query["kind"] = self.kind.value
        if self.day is not None:
            query["day"] = self.day.isoformat()
        if self.venue_id is not None:
            query["venue"] = str(self.venue_id)
        return query

    @property
    def is_empty(self) -> bool:
        return not self.as_query()


@dataclass
class FilterOptions:
    """The choices an edition's programme can be filtered by."""

    tracks: list[Track]
    kinds: list[SessionKind]
    days: list[date]
    venues: list[Venue]


@dataclass
class ProgrammeQuery:
    """A parsed programme address: view, filters, display zone and what was ignored."""

    view: str = "grid"
    filters: ProgrammeFilters = field(default_factory=ProgrammeFilters)
    zone: str | None = None
    notices: list[Notice] = field(default_factory=list)

    def as_query(self) -> dict[str, str]:
        query = {"view": self.view, **self.filters.as_query()}
        if self.zone:
            query["tz"] = self.zone
        return query


def edition_by_slug(slug: str) -> Edition | None:
    """Return the edition called ``slug`` (public or not), with its series, or None."""
    return db.session.scalar(
        select(Edition).where(Edition.slug == slug).options(joinedload(Edition.series))
    )


def _session_loading():
    """Eager loads that keep a page's query count flat, whatever the number of sessions.

    Collections come by ``subqueryload``, one statement each: ``selectinload`` sends one
    more statement for every 500 sessions.
    """
    return (
        joinedload(ConferenceSession.track),
        joinedload(ConferenceSession.venue),
        joinedload(ConferenceSession.room).joinedload(Room.venue),
        subqueryload(ConferenceSession.speakers)
        .joinedload(SessionSpeaker.speaker)
        .joinedload(Speaker.organisation),
        subqueryload(ConferenceSession.showcases)
        .joinedload(SessionShowcase.showcase)
        .joinedload(Showcase.organisation),
    )


def session_filter_clauses(edition: Edition, filters: ProgrammeFilters | None = None) -> list:
    """Return the SQL conditions that pick an edition's sessions narrowed by ``filters``.

    The day is the venue's wall-clock day. The calendar feeds version their content with
    the same conditions, so a feed and its programme page always count the same sessions.
    """
    filters = filters or ProgrammeFilters()
    clauses = [ConferenceSession.edition_id == edition.id]
    if filters.track_id is not None:
        clauses.append(ConferenceSession.track_id == filters.track_id)
    if filters.kind is not None:
        clauses.append(ConferenceSession.kind == filters.kind)
    if filters.day is not None:
        start = datetime.combine(filters.day, time(0, 0))
        clauses.append(ConferenceSession.starts_local >= start)
        clauses.append(ConferenceSession.starts_local < start + timedelta(days=1))
    if filters.venue_id is not None:
        in_room_of_venue = ConferenceSession.room_id.in_(
            select(Room.id).where(Room.venue_id == filters.venue_id)
        )
        clauses.append(
            (ConferenceSession.venue_id == filters.venue_id)
            | (ConferenceSession.venue_id.is_(None) & in_room_of_venue)
        )
    return clauses


def programme_sessions(
    edition: Edition, filters: ProgrammeFilters | None = None, *, for_page: bool = False
) -> list[ConferenceSession]:
    """Return an edition's sessions, cancelled ones included, in time order.

    Tracks, rooms, venues, speakers and showcases come loaded in a fixed number of
    queries. The day is the venue's wall-clock day.

    :param edition: the edition whose programme it is.
    :param filters: the track, kind, day and venue to narrow to.
    :param for_page: leave out the long texts the programme page does not show
        (abstracts, biographies, showcase summaries); feeds and exports need them.
    """
    query = select(ConferenceSession).where(*session_filter_clauses(edition, filters))
    if for_page:
        query = query.options(
            defer(ConferenceSession.abstract),
            defaultload(ConferenceSession.speakers)
            .defaultload(SessionSpeaker.speaker)
            .defer(Speaker.bio),
        )
    query = query.options(*_session_loading()).order_by(
        ConferenceSession.starts_at, ConferenceSession.ends_at, ConferenceSession.id
    )
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True, slots=True)
class SpeakerName:
    """What the programme shows of a speaker."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ProgrammePlace:
    """A speaker's place in a session, as the programme shows it (``place.speaker.name``)."""

    speaker: SpeakerName
    role: SpeakerRole


@dataclass(eq=False, slots=True)
class ProgrammeSession:
    """A session as the programme page shows it: its own columns, its track, room and
    venue (shared objects, one per edition), and its speakers' names.

    It answers to the names the templates use on a ``ConferenceSession``.
    """

    id: int
    edition_id: int
    kind: SessionKind
    title: str
    status: SessionStatus
    online_url: str | None
    timezone: str
    starts_local: datetime
    ends_local: datetime
    starts_at: datetime
    ends_at: datetime
    sequence: int
    changed_at: datetime | None
    updated_at: datetime
    track: Track | None
    venue: Venue | None
    room: Room | None
    speakers: list[ProgrammePlace]

    @property
    def is_cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED


ROW_COLUMNS = (
    ConferenceSession.id,
    ConferenceSession.edition_id,
    ConferenceSession.kind,
    ConferenceSession.title,
    ConferenceSession.status,
    ConferenceSession.online_url,
    ConferenceSession.timezone,
    ConferenceSession.starts_local,
    ConferenceSession.ends_local,
    ConferenceSession.starts_at,
    ConferenceSession.ends_at,
    ConferenceSession.sequence,
    ConferenceSession.changed_at,
    ConferenceSession.updated_at,
    ConferenceSession.track_id,
    ConferenceSession.venue_id,
    ConferenceSession.room_id,
)


def _by_id(model, ids: set, known, **options) -> dict:
    """The rows of ``model`` with these ids: those in ``known`` first, the others read."""
    found = {item.id: item for item in known if item.id in ids}
    if missing := ids - found.keys() - {None}:
        query = select(model).where(model.id.in_(missing))
        if options.get("with_venue"):
            query = query.options(joinedload(Room.venue))
        found.update((item.id, item) for item in db.session.scalars(query))
    return found


def _on_days(days: list[date]):
    """The condition that a session starts (venue wall clock) on one of ``days``."""
    return or_(
        *(
            (ConferenceSession.starts_local >= datetime.combine(day, time(0, 0)))
            & (ConferenceSession.starts_local < datetime.combine(day + timedelta(days=1), time(0)))
            for day in days
        )
    )


def day_versions(edition: Edition, filters: ProgrammeFilters | None = None) -> dict[date, tuple]:
    """For each day of the programme (venue wall clock), what its sessions' version is made
    of (count, latest changes, sums of sequences and ids), in one statement.

    A day of the programme page is kept per its version: a change to one session builds
    that session's day again, not the others.
    """
    day = func.date(ConferenceSession.starts_local)
    rows = db.session.execute(
        select(
            day,
            func.count(ConferenceSession.id),
            func.max(ConferenceSession.updated_at),
            func.max(ConferenceSession.changed_at),
            func.sum(ConferenceSession.sequence),
            func.sum(ConferenceSession.id),
        )
        .where(*session_filter_clauses(edition, filters))
        .group_by(day)
    ).all()
    return {
        (first if isinstance(first, date) else date.fromisoformat(first)): tuple(rest)
        for first, *rest in rows
    }


def programme_rows(
    edition: Edition,
    filters: ProgrammeFilters | None = None,
    options: FilterOptions | None = None,
    *,
    days: list[date] | None = None,
    with_speakers: bool = True,
) -> list[ProgrammeSession]:
    """An edition's sessions (cancelled ones included) in time order, as the programme
    page shows them, read as plain rows: three statements whatever the number of
    sessions, and no ORM object per session.

    Tracks, rooms and venues are shared objects; those of ``options`` (the filter
    choices, already read) are not read again.

    :param days: read only the sessions that start on these days (venue wall clock).
    :param with_speakers: read the speakers' names (the frame of an export needs none).
    """
    clauses = session_filter_clauses(edition, filters)
    if days is not None:
        clauses.append(_on_days(days))
    rows = db.session.execute(
        select(*ROW_COLUMNS)
        .where(*clauses)
        .order_by(ConferenceSession.starts_at, ConferenceSession.ends_at, ConferenceSession.id)
    ).all()
    tracks = _by_id(Track, {row.track_id for row in rows}, options.tracks if options else ())
    venues = _by_id(Venue, {row.venue_id for row in rows}, options.venues if options else ())
    rooms = _by_id(Room, {row.room_id for row in rows}, (), with_venue=True)
    places: dict[int, list[ProgrammePlace]] = {}
    speakers: dict[int, SpeakerName] = {}
    speaker_rows = (
        ()
        if not with_speakers
        else db.session.execute(
            select(SessionSpeaker.session_id, Speaker.id, Speaker.name, SessionSpeaker.role)
            .join(Speaker, Speaker.id == SessionSpeaker.speaker_id)
            .where(SessionSpeaker.session_id.in_(select(ConferenceSession.id).where(*clauses)))
            .order_by(SessionSpeaker.session_id, SessionSpeaker.position, SessionSpeaker.id)
        )
    )
    for session_id, speaker_id, name, role in speaker_rows:
        speaker = speakers.get(speaker_id) or speakers.setdefault(
            speaker_id, SpeakerName(speaker_id, name)
        )
        places.setdefault(session_id, []).append(ProgrammePlace(speaker, role))
    return [
        ProgrammeSession(
            *row[:14],
            track=tracks.get(row.track_id),
            venue=venues.get(row.venue_id),
            room=rooms.get(row.room_id),
            speakers=places.get(row.id, []),
        )
        for row in rows
    ]


FILTER_PARAMETERS = ("track", "kind", "day", "venue")
# What an address without filters is parsed against: no choice is needed to check it.
NO_OPTIONS = FilterOptions(tracks=[], kinds=[], days=[], venues=[])


def asks_for_filters(args: Mapping[str, str]) -> bool:
    """Tell whether an address names a filter (so the filter choices must be read)."""
    return any(args.get(name) for name in FILTER_PARAMETERS)


def filter_options(edition: Edition, session_days=None) -> FilterOptions:
    """Return the tracks, kinds, days (venue wall clock) and venues to filter by.

    Kinds and days are those the edition's sessions use; the edition's own days are
    always offered.

    :param edition: the edition whose programme is filtered.
    :param session_days: the days of all the edition's sessions when already read (the
        unfiltered :func:`day_versions`), else they are read here.
    """
    tracks = list(
        db.session.scalars(
            select(Track).where(Track.edition_id == edition.id).order_by(Track.position, Track.id)
        )
    )
    venues = list(
        db.session.scalars(
            select(Venue)
            .where(Venue.edition_id == edition.id)
            .order_by(Venue.position, Venue.start_date, Venue.id)
        )
    )
    used_kinds = set(
        db.session.scalars(
            select(ConferenceSession.kind)
            .where(ConferenceSession.edition_id == edition.id)
            .distinct()
        )
    )
    kinds = [kind for kind in SessionKind if kind in used_kinds]
    days = {
        edition.start_date + timedelta(days=n)
        for n in range((edition.end_date - edition.start_date).days + 1)
    }
    if session_days is None:
        session_days = {
            starts.date()
            for starts in db.session.scalars(
                select(ConferenceSession.starts_local)
                .where(ConferenceSession.edition_id == edition.id)
                .distinct()
            )
        }
    days.update(session_days)
    return FilterOptions(tracks=tracks, kinds=kinds, days=sorted(days), venues=venues)


def _as_id(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number > 0 else None


def parse_programme_query(args: Mapping[str, str], options: FilterOptions) -> ProgrammeQuery:
    """Read view, filters and zone from query parameters; ignore what does not fit, saying so.

    A value that this edition does not know (a track of another edition, a day outside
    the programme, a kind or zone that does not exist) is dropped and a notice explains it,
    so that an old or mistyped shared link still shows a programme.

    :param args: the query parameters (``view``, ``track``, ``kind``, ``day``, ``venue``,
        ``tz``).
    :param options: the edition's filter choices, from :func:`filter_options`.
    """
    parsed = ProgrammeQuery()
    notices = parsed.notices

    view = (args.get("view") or "").strip()
    if view in VIEWS:
        parsed.view = view
    elif view:
        notices.append(Notice(_l("There is no “%(value)s” view; showing the grid."), view))

    track_id = kind = day = venue_id = None
    raw = (args.get("track") or "").strip()
    if raw:
        track_id = _as_id(raw)
        if track_id not in {track.id for track in options.tracks}:
            track_id = None
            notices.append(Notice(_l("Unknown axis “%(value)s”: the filter was ignored."), raw))
    raw = (args.get("kind") or "").strip()
    if raw:
        kind = next((k for k in SessionKind if k.value == raw), None)
        if kind is None:
            notices.append(
                Notice(_l("Unknown kind of session “%(value)s”: the filter was ignored."), raw)
            )
    raw = (args.get("day") or "").strip()
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            notices.append(
                Notice(_l("“%(value)s” is not a date (YYYY-MM-DD): the filter was ignored."), raw)
            )
        else:
            if day not in options.days:
                notices.append(
                    Notice(_l("The programme has no day %(value)s: the filter was ignored."), raw)
                )
                day = None
    raw = (args.get("venue") or "").strip()
    if raw:
        venue_id = _as_id(raw)
        if venue_id not in {venue.id for venue in options.venues}:
            venue_id = None
            notices.append(Notice(_l("Unknown venue “%(value)s”: the filter was ignored."), raw))
    parsed.filters = ProgrammeFilters(track_id=track_id, kind=kind, day=day, venue_id=venue_id)
    parsed.zone = parse_zone(args.get("tz"), notices)
    return parsed


def parse_zone(value: str | None, notices: list[Notice]) -> str | None:
    """Return the viewer's zone if ``value`` names one, else None (the venue's zone).

    An unknown zone is ignored and a notice is added to ``notices``.
    """
    value = (value or "").strip()
    if not value:
        return None
    if is_valid_zone(value):
        return value
    notices.append(
        Notice(_l("Unknown time zone “%(value)s”: times are shown in the venue’s zone."), value)
    )
    return None


# Session and speaker pages -------------------------------------------------------------


def session_with_details(session_id: int) -> ConferenceSession | None:
    """Return a session with its edition, track, room, venue, speakers and showcases."""
    return db.session.scalar(
        select(ConferenceSession)
        .where(ConferenceSession.id == session_id)
        .options(joinedload(ConferenceSession.edition), *_session_loading())
    )


def public_session_stamp(session_id: int) -> tuple | None:
    """What an anonymous reader's session page shows changes with, in one statement: the
    session's and its edition's stamps and its showcases' latest change.

    :returns: None when there is no such session or its edition is not public.
    """
    showcases = (
        select(func.max(Showcase.updated_at))
        .join(SessionShowcase, SessionShowcase.showcase_id == Showcase.id)
        .where(SessionShowcase.session_id == session_id)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(
            Edition.status,
            Edition.updated_at,
            ConferenceSession.updated_at,
            ConferenceSession.changed_at,
            ConferenceSession.sequence,
            showcases,
        )
        .join(Edition, Edition.id == ConferenceSession.edition_id)
        .where(ConferenceSession.id == session_id)
    ).first()
    if row is None or row[0] not in PUBLIC_STATUSES:
        return None
    return tuple(row[1:])


def speaker_with_public_sessions(
    speaker_id: int,
) -> tuple[Speaker | None, list[SessionSpeaker]]:
    """Return a speaker and their places in sessions of public editions, in time order.

    :param speaker_id: the speaker's id.
    :returns: ``(None, [])`` when there is no such speaker.
    """
    speaker = db.session.scalar(
        select(Speaker).where(Speaker.id == speaker_id).options(joinedload(Speaker.organisation))
    )
    if speaker is None:
        return None, []
    places = db.session.scalars(
        select(SessionSpeaker)
        .join(SessionSpeaker.session)
        .join(ConferenceSession.edition)
        .where(SessionSpeaker.speaker_id == speaker_id, Edition.status.in_(PUBLIC_STATUSES))
        .options(
            # The editions' texts in other languages (their titles head each group).
            joinedload(SessionSpeaker.session)
            .joinedload(ConferenceSession.edition)
            .selectinload(Edition.texts),
            joinedload(SessionSpeaker.session).joinedload(ConferenceSession.track),
            joinedload(SessionSpeaker.session).joinedload(ConferenceSession.venue),
            joinedload(SessionSpeaker.session)
            .joinedload(ConferenceSession.room)
            .joinedload(Room.venue),
        )
        .order_by(ConferenceSession.starts_at, ConferenceSession.id)
    )
    return speaker, list(places.unique())


def starred_session_ids(user, edition: Edition, session_id: int | None = None) -> set[int]:
    """The ids of ``edition``'s sessions in ``user``'s agenda, in one query (none if signed out).

    :param session_id: look at this one session only.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    query = (
        select(AgendaEntry.session_id)
        .join(ConferenceSession, ConferenceSession.id == AgendaEntry.session_id)
        .where(AgendaEntry.user_id == user.id, ConferenceSession.edition_id == edition.id)
    )
    if session_id is not None:
        query = query.where(AgendaEntry.session_id == session_id)
    return set(db.session.scalars(query))
