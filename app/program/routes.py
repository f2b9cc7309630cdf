"""Public programme, session and speaker pages."""

import hashlib
from datetime import date, datetime
from functools import lru_cache

from flask import Response, abort, current_app, render_template, request, url_for
from flask import session as flask_session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.access import Audience, access
from app.caching import VersionedCache
from app.formatting import comma, isolate, local_time, long_date
from app.labels import CATEGORY_LABELS, SESSION_KIND_LABELS
from app.models import ConferenceSession
from app.permissions import can_see_edition
from app.program.blueprint import bp
from app.program.queries import speakers as speaker_queries
from app.program.queries.grid import build_grid, group_by_day
from app.program.queries.programme import (
    NO_OPTIONS,
    ROLE_LABELS,
    STATUS_LABELS,
    Notice,
    asks_for_filters,
    day_versions,
    edition_by_slug,
    filter_options,
    parse_programme_query,
    parse_zone,
    programme_rows,
    public_session_stamp,
    session_with_details,
    speaker_with_public_sessions,
    starred_session_ids,
)
from app.program.queries.versions import edition_version
from app.timezones import utc_to_local, zone_groups, zone_label

# Public pages as anonymous readers get them, kept per data version of their edition.
page_cache = VersionedCache("page")
# One day of the programme (grid or list), kept per version of that day's sessions.
day_cache = VersionedCache("day", size=512, max_bytes=128 * 2**20, shared=False)
# One session as the programme shows it, kept per change of the session or its edition.
item_cache = VersionedCache("item", size=50_000, max_bytes=64 * 2**20, shared=False)
# Session pages as anonymous readers get them, kept per change of what they show.
session_cache = VersionedCache("session", size=20_000, max_bytes=32 * 2**20, shared=False)


def session_time(
    session_: ConferenceSession,
    zone: str | None = None,
    day: date | None = None,
    shown_label: str | None = None,
) -> str:
    """Format a session's time as "10:00–11:00 (Casablanca, UTC+1)".

    Times are in ``zone`` when given (the viewer's), else in the session's own zone; the
    date is added when it differs from ``day`` (a viewer's zone can move it). The zone
    label is left out when it equals ``shown_label``, which the page already shows above.
    """
    return _time_text(
        session_.starts_at,
        session_.ends_at,
        zone or session_.timezone,
        day,
        shown_label,
        str(get_locale() or ""),
    )


# A programme of 2,000 sessions has a few hundred distinct slots: each is formatted once.
@lru_cache(maxsize=8192)
def _time_text(starts_at, ends_at, zone: str, day, shown_label, locale: str) -> str:
    starts = utc_to_local(starts_at, zone)
    label = zone_label(starts_at, zone)
    text = f"{local_time(starts_at, zone)}–{local_time(ends_at, zone)}"
    if label != shown_label:
        text = f"{text} {isolate(f'({label})')}"
    if day is not None and starts.date() != day:
        text = f"{long_date(starts.date())}{comma()}{text}"
    return text


def session_when(session_: ConferenceSession, zone: str | None = None) -> str:
    """Format a session's date and time: "10 March 2027, 10:00–11:00 (Casablanca, UTC+1)"."""
    day = utc_to_local(session_.starts_at, zone or session_.timezone).date()
    return f"{long_date(day)}{comma()}{session_time(session_, zone, day)}"


def changed_on(session_: ConferenceSession, zone: str | None = None) -> str:
    """Return "Changed on <date>" for a session changed since it was first published, or ""."""
    if not session_.sequence or session_.changed_at is None:
        return ""
    changed: datetime = utc_to_local(session_.changed_at, zone or session_.timezone)
    return _("Changed on %(date)s", date=long_date(changed.date()))


def _translated(labels: dict) -> dict:
    """The labels in the reader's language, translated once rather than once per row."""
    return {key: str(label) for key, label in labels.items()}


@lru_cache(maxsize=32)
def _labels(locale: str) -> dict:
    """Every label of the programme in one language, translated once per process (a
    request that renders a hundred mails renders them with the same labels)."""
    return {
        "kind_labels": _translated(SESSION_KIND_LABELS),
        "status_labels": _translated(STATUS_LABELS),
        "role_labels": _translated(ROLE_LABELS),
        "category_labels": _translated(CATEGORY_LABELS),
    }


@bp.context_processor
def program_helpers():
    return {
        **_labels(_locale()),
        "session_time": session_time,
        "session_when": session_when,
        "changed_on": changed_on,
        "zone_label": zone_label,
    }


@bp.get("/editions/<slug>/programme")
@access(Audience.ANONYMOUS)
def programme(slug: str):
    edition = edition_by_slug(slug)
    if edition is None or not can_see_edition(current_user, edition):
        abort(404)
    # The filter choices check the filters asked for; a kept page needs them for nothing else.
    options = filter_options(edition) if asks_for_filters(request.args) else NO_OPTIONS
    parsed = parse_programme_query(request.args, options)
    if current_user.is_authenticated or parsed.notices or "_flashes" in flask_session:
        # Starred marks, notices and messages are the reader's own: built for them alone.
        return _render_programme(edition, options, parsed)
    # The page is kept per the edition's version (read with it), each day per its own.
    key = (
        "programme",
        edition_version(edition, parsed.filters).etag,
        tuple(sorted(request.args.items(multi=True))),
        str(get_locale() or ""),
    )
    body = page_cache.get_or_build(
        key, lambda: _render_programme(edition, options, parsed).encode()
    )
    return Response(body, mimetype="text/html")


def _render_programme(edition, options, parsed) -> str:
    # The versions of the programme's days, in one statement.
    versions = day_versions(edition, parsed.filters)
    if options is NO_OPTIONS:
        # No filter was asked for: the days' versions are those of every session.
        options = filter_options(edition, session_days=versions.keys())
    starred = starred_session_ids(current_user, edition)
    current = parsed.as_query()

    def programme_url(**changes) -> str:
        """This view's address with some parameters changed (None drops one)."""
        query = {**current, **changes}
        query = {key: value for key, value in query.items() if value not in (None, "")}
        return url_for("program.programme", slug=edition.slug, **query)

    return render_template(
        "program/programme.html",
        edition=edition,
        options=options,
        parsed=parsed,
        filters=parsed.filters,
        zone=parsed.zone,
        session_count=sum(version[0] for version in versions.values()),
        day_sections=_day_sections(edition, options, parsed, versions, starred),
        programme_url=programme_url,
        zone_groups=zone_groups([edition.timezone]),
        starred=starred,
    )


def _day_sections(edition, options, parsed, versions: dict, starred: set[int]) -> list[Markup]:
    """The programme's days, each kept per version of its own sessions: after a change to
    one session, that day is read and rendered again, and the others are taken as kept.

    The key holds what a day shows besides its sessions: the edition's stamp (moved by
    any change to a track, room, venue or speaker of it), the view, filters, zone,
    language and the reader's starred sessions.
    """
    locale = _locale()
    stars = hashlib.sha256(repr(sorted(starred)).encode()).hexdigest()[:16] if starred else ""
    common = (
        edition.id,
        edition.updated_at,
        parsed.view,
        tuple(sorted(parsed.filters.as_query().items())),
        parsed.zone,
        locale,
        stars,
    )
    keys = {day: ("day", *common, day, version) for day, version in sorted(versions.items())}
    found = {day: day_cache.peek(key) for day, key in keys.items()}
    missing = [day for day, body in found.items() if body is None]
    if missing:
        sessions = programme_rows(edition, parsed.filters, options, days=missing)
        module = current_app.jinja_env.get_template("program/_programme_day.html").make_module(
            {
                **program_helpers(),
                "programme_item": _item_renderer(edition, parsed.zone, starred),
                "zone": parsed.zone,
            }
        )
        if parsed.view == "grid":
            built = {gday.day: module.grid_day(gday) for gday in build_grid(sessions)}
        else:
            built = {day: module.list_day(day, items) for day, items in group_by_day(sessions)}
        for day in missing:
            body = str(built.get(day, "")).encode()
            found[day] = day_cache.get_or_build(keys[day], lambda body=body: body)
    return [Markup(found[day].decode()) for day in sorted(found)]


def _item_renderer(edition, zone: str | None, starred: set[int]):
    """Return the template's ``programme_item``: one session's HTML, rendered once per change.

    The key holds everything the piece shows: the session's own stamp and times, its
    edition's stamp (moved by any change to a track, room, venue or speaker of it), the
    reader's zone and language, the day and zone label of its column, and the star.
    """
    module = current_app.jinja_env.get_template("program/_programme_item.html").make_module(
        program_helpers()
    )
    macros = {"grid": module.grid_item, "list": module.list_item}
    locale = str(get_locale() or "")
    stamp = edition.updated_at

    def programme_item(view: str, s: ConferenceSession, day, day_label) -> Markup:
        is_starred = s.id in starred
        key = (
            view,
            s.id,
            s.updated_at,
            s.starts_at,
            s.ends_at,
            s.sequence,
            s.changed_at,
            stamp,
            zone,
            day,
            day_label,
            is_starred,
            locale,
        )
        body = item_cache.get_or_build(
            key, lambda: str(macros[view](s, zone, day, day_label, is_starred)).encode()
        )
        return Markup(body.decode())

    return programme_item


@bp.get("/sessions/<int:id>")
@access(Audience.ANONYMOUS)
def session_page(id: int):
    notices: list[Notice] = []
    zone = parse_zone(request.args.get("tz"), notices)
    stamp = None
    if not (current_user.is_authenticated or notices or "_flashes" in flask_session):
        stamp = public_session_stamp(id)
    if stamp is None:
        return _render_session(id, zone, notices)
    # Anonymous readers of a public session get the page kept per change of what it shows.
    key = ("session", id, stamp, request.query_string, _locale())
    body = session_cache.get_or_build(key, lambda: _render_session(id, zone, notices).encode())
    return Response(body, mimetype="text/html")


def _locale() -> str:
    return str(get_locale() or "")


def _render_session(id: int, zone: str | None, notices: list[Notice]) -> str:
    session_ = session_with_details(id)
    if session_ is None or not can_see_edition(current_user, session_.edition):
        abort(404)
    return render_template(
        "program/session.html",
        item=session_,
        edition=session_.edition,
        zone=zone,
        notices=notices,
        starred=starred_session_ids(current_user, session_.edition, session_.id),
    )


@bp.get("/speakers/<int:id>")
@access(Audience.ANONYMOUS)
def speaker_page(id: int):
    speaker, places = speaker_with_public_sessions(id)
    if speaker is None or not places:
        abort(404)
    notices: list[Notice] = []
    zone = parse_zone(request.args.get("tz"), notices)
    return render_template(
        "program/speaker.html",
        speaker=speaker,
        places=places,
        by_edition=speaker_queries.places_by_edition(places),
        zone=zone,
        notices=notices,
        is_own=current_user.is_authenticated and speaker.user_id == current_user.id,
    )


@bp.get("/speakers")
@access(Audience.ANONYMOUS)
def speakers():
    """Every speaker of the published programmes, alphabetically."""
    index = speaker_queries.speaker_index(
        initial=request.args.get("initial"), name=request.args.get("name", "")
    )
    return render_template("program/speakers.html", index=index, edition=None)


@bp.get("/editions/<slug>/speakers")
@access(Audience.ANONYMOUS)
def edition_speakers(slug: str):
    """The speakers of one edition (of its draft programme too, for its organisers)."""
    edition = edition_by_slug(slug)
    if edition is None or not can_see_edition(current_user, edition):
        abort(404)
    index = speaker_queries.speaker_index(
        edition,
        initial=request.args.get("initial"),
        name=request.args.get("name", ""),
        public_only=edition.is_public,
    )
    return render_template("program/speakers.html", index=index, edition=edition)
