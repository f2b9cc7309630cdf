"""Calendar feeds, schedule exports, the personal agenda and its secret address."""

from collections.abc import Callable

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import ical
from app.access import Audience, access
from app.calendars import services
from app.calendars.blueprint import bp
from app.calendars.queries import exports, feeds, pieces
from app.calendars.queries.cache import feed_cache
from app.extensions import db
from app.models import ConferenceSession, Speaker
from app.permissions import can_organise, can_see_agreement, can_see_edition
from app.program.queries import (
    NO_OPTIONS,
    asks_for_filters,
    edition_by_slug,
    filter_options,
    parse_programme_query,
    programme_sessions,
)
from app.urls import safe_next_path

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _conditional(version: feeds.Version) -> bool:
    """Tell whether the client already has this version (ETag first, then the date)."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(version.etag)
    since = request.if_modified_since
    return since is not None and version.last_modified <= since


def _respond(
    key: tuple,
    version: feeds.Version,
    build: Callable[[], bytes],
    *,
    mimetype: str,
    filename: str,
    private: bool = False,
) -> Response:
    """Answer 304 when the client is up to date; else the body built once per version."""
    if _conditional(version):
        response = Response(status=304)
    else:
        locale = str(get_locale() or "")
        body = feed_cache.get_or_build((*key, version.etag, locale), build)
        if mimetype == CALENDAR_TYPE:
            mimetype = ical.calendar_media_type(body)
        response = Response(body, content_type=mimetype)
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    response.headers["Cache-Control"] = (
        "private, no-cache" if private else "public, max-age=300, must-revalidate"
    )
    response.vary.add("Accept-Language")
    return response


def _visible_edition(slug: str):
    edition = edition_by_slug(slug)
    if edition is None or not can_see_edition(current_user, edition):
        abort(404)
    return edition


@bp.get("/editions/<slug>/calendar.ics")
@access(Audience.ANONYMOUS)
def edition_calendar(slug: str):
    edition = _visible_edition(slug)
    options = filter_options(edition) if asks_for_filters(request.args) else NO_OPTIONS
    filters = parse_programme_query(request.args, options).filters
    version = feeds.edition_version(edition, filters)
    return _respond(
        ("edition", edition.id),
        version,
        lambda: pieces.edition_calendar(edition, filters),
        mimetype=CALENDAR_TYPE,
        filename=f"{edition.slug}.ics",
        private=not edition.is_public,
    )


@bp.get("/sessions/<int:id>/calendar.ics")
@access(Audience.ANONYMOUS)
def session_calendar(id: int):
    session_ = feeds.session_for_feed(id)
    if session_ is None or not can_see_edition(current_user, session_.edition):
        abort(404)
    return _respond(
        ("session", session_.id),
        feeds.session_version(session_),
        lambda: ical.session_to_ical(session_).to_ical(),
        mimetype=CALENDAR_TYPE,
        filename=f"session-{session_.id}.ics",
        private=not session_.edition.is_public,
    )


@bp.get("/speakers/<int:id>/calendar.ics")
@access(Audience.ANONYMOUS)
def speaker_calendar(id: int):
    speaker = db.session.get(Speaker, id)
    version, count = feeds.speaker_version(speaker) if speaker else (None, 0)
    if not count:
        abort(404)
    return _respond(
        ("speaker", id),
        version,
        lambda: ical.calendar_from_pieces(
            _("Sessions of %(name)s", name=speaker.name),
            pieces.session_pieces(
                [ConferenceSession.id.in_(feeds.speaker_session_ids(id))],
                public_only=True,
                order=(ConferenceSession.starts_at, ConferenceSession.id),
            ),
        ),
        mimetype=CALENDAR_TYPE,
        filename=f"speaker-{id}.ics",
    )


@bp.get("/thinklabs/<slug>/calendar.ics")
@access(Audience.ANONYMOUS)
def thinklab_calendar(slug: str):
    thinklab = feeds.thinklab_for_feed(slug)
    if thinklab is None or (
        thinklab.edition is not None and not can_see_edition(current_user, thinklab.edition)
    ):
        abort(404)
    return _respond(
        ("thinklab", thinklab.id),
        feeds.thinklab_version(thinklab),
        lambda: ical.thinklab_to_ical(thinklab).to_ical(),
        mimetype=CALENDAR_TYPE,
        filename=f"{thinklab.slug}.ics",
    )


@bp.get("/agreements/<int:id>/calendar.ics")
@access(Audience.ANONYMOUS)
def agreement_calendar(id: int):
    agreement = feeds.agreement_for_feed(id)
    # A private agreement answers 404 to others, as its page does.
    if agreement is None or not can_see_agreement(current_user, agreement):
        abort(404)
    return _respond(
        ("agreement", agreement.id),
        feeds.agreement_version(agreement),
        lambda: ical.agreement_to_ical(agreement).to_ical(),
        mimetype=CALENDAR_TYPE,
        filename=f"agreement-{agreement.id}.ics",
        private=not agreement.is_public,
    )


@bp.get("/agenda/<token>.ics")
@access(Audience.ANONYMOUS)
def agenda_calendar(token: str):
    user = feeds.user_by_calendar_token(token)
    if user is None:
        abort(404)
    return _respond(
        ("agenda", user.id),
        feeds.agenda_version(user),
        lambda: ical.agenda_to_ical(
            user, feeds.agenda_sessions(user), feeds.agenda_thinklabs(user)
        ).to_ical(),
        mimetype=CALENDAR_TYPE,
        filename="agenda.ics",
        private=True,
    )


# Schedule exports ------------------------------------------------------------------------


@bp.get("/editions/<slug>/schedule.xml")
@access(Audience.ANONYMOUS)
def schedule_xml(slug: str):
    edition = _visible_edition(slug)
    return _respond(
        ("schedule.xml", edition.id),
        feeds.edition_version(edition),
        lambda: pieces.schedule_export("schedule.xml", edition),
        mimetype="application/xml; charset=utf-8",
        filename=f"{edition.slug}-schedule.xml",
        private=not edition.is_public,
    )


@bp.get("/editions/<slug>/schedule.json")
@access(Audience.ANONYMOUS)
def schedule_json(slug: str):
    edition = _visible_edition(slug)
    return _respond(
        ("schedule.json", edition.id),
        feeds.edition_version(edition),
        lambda: pieces.schedule_export("schedule.json", edition),
        mimetype="application/json",
        filename=f"{edition.slug}-schedule.json",
        private=not edition.is_public,
    )


def _organises(user, slug: str) -> bool:
    edition = edition_by_slug(slug)
    if edition is None:
        abort(404)
    return can_organise(user, edition)


@bp.get("/editions/<slug>/sessions.csv")
@access(Audience.ORGANISER, allow=_organises)
def sessions_csv(slug: str):
    edition = edition_by_slug(slug)
    body = exports.sessions_csv(edition, programme_sessions(edition))
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{edition.slug}-sessions.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The personal agenda ---------------------------------------------------------------------


def _back(default: str) -> str:
    return safe_next_path(request.form.get("next")) or default


def _starrable(id: int):
    session_ = feeds.session_for_feed(id)
    if session_ is None or not session_.edition.is_public:
        abort(404)
    return session_


@bp.post("/sessions/<int:id>/star")
@access(Audience.USER)
def star(id: int):
    session_ = _starrable(id)
    services.star_session(current_user, session_)
    db.session.commit()
    flash(_("Added to your agenda."), "success")
    return redirect(_back(url_for("program.session_page", id=session_.id)))


@bp.post("/sessions/<int:id>/unstar")
@access(Audience.USER)
def unstar(id: int):
    session_ = _starrable(id)
    services.unstar_session(current_user, session_)
    db.session.commit()
    flash(_("Removed from your agenda."), "success")
    return redirect(_back(url_for("program.session_page", id=session_.id)))


@bp.post("/account/agenda-token")
@access(Audience.USER)
def rotate_agenda_token():
    had_one = current_user.calendar_token is not None
    services.rotate_calendar_token(current_user)
    db.session.commit()
    if had_one:
        flash(_("Your agenda has a new address: the previous one no longer works."), "success")
    else:
        flash(_("Your agenda address is ready."), "success")
    return redirect(_back(url_for("auth.account") + "#agenda"))


@bp.app_context_processor
def agenda_links():
    """Addresses of a person's agenda feed, for the account page."""

    def agenda_urls(user) -> dict | None:
        if user is None or not getattr(user, "calendar_token", None):
            return None
        path = url_for("calendars.agenda_calendar", token=user.calendar_token)
        base = current_app.config["AGORA_BASE_URL"].rstrip("/")
        https = base.split("://", 1)[-1]
        return {"download": base + path, "webcal": f"webcal://{https}{path}"}

    return {"agenda_urls": agenda_urls}
