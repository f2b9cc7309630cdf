"""Sessions (with their speakers) and speakers."""

from flask import abort
from flask_login import current_user

from app.access import Audience, access, organises_edition
from app.api import queries
from app.api.blueprint import v1
from app.api.routes.editions import SLUG, visible_edition
from app.api.routes.http import changed, created, etag, page_body, tagged, write
from app.api.schemas import (
    PageArgs,
    SessionInput,
    SessionListArgs,
    SessionPatch,
    SessionSchema,
    SpeakerSchema,
    page_schema,
)
from app.extensions import db
from app.models import ConferenceSession
from app.permissions import can_organise, can_see_edition
from app.program import services

SESSION_ID = "<int(min=1, max=2147483647):session_id>"


def organises_session(user, session_id: int, **_ignored) -> bool:
    """The ``allow`` check of the organisers' session operations."""
    session_ = db.session.get(ConferenceSession, session_id) or abort(404)
    return can_organise(user, session_.edition)


def visible_session(session_id: int) -> ConferenceSession:
    session_ = queries.session_by_id(session_id)
    if session_ is None or not can_see_edition(current_user, session_.edition):
        abort(404)
    return session_


def session_tag(session_: ConferenceSession) -> str:
    return etag("session", session_.id, session_.version_id)


@v1.route(f"/editions/{SLUG}/sessions", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(SessionListArgs, location="query")
@v1.response(200, page_schema(SessionSchema, "SessionPage"))
def list_sessions(args, slug: str):
    """An edition's sessions, filtered as on the programme page, sorted, by page."""
    edition = visible_edition(slug)
    return page_body(queries.sessions(edition, **args))


@v1.route(f"/editions/{SLUG}/sessions", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(creates=True)
@v1.arguments(SessionInput)
@v1.response(201, SessionSchema)
def create_session(data, slug: str):
    """Schedule a session: the same checks as the organiser's form (rooms, times, zones)."""
    edition = visible_edition(slug)
    accept = data.pop("accept_warnings")
    saved = services.save_session(edition, data, accept_warnings=accept, actor=current_user)
    return created(saved.session, session_tag)


@v1.route(f"/sessions/{SESSION_ID}", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, SessionSchema)
def get_session(session_id: int):
    """One session with its speakers."""
    session_ = visible_session(session_id)
    return tagged(session_, session_tag(session_))


@v1.route(f"/sessions/{SESSION_ID}", methods=["PATCH"])
@access(Audience.ORGANISER, allow=organises_session)
@write(versioned=True)
@v1.arguments(SessionPatch(partial=True))
@v1.response(200, SessionSchema)
def update_session(data, session_id: int):
    """Change or move a session; fields left out keep their value."""
    session_ = visible_session(session_id)
    accept = data.pop("accept_warnings", False)
    return changed(
        session_,
        session_tag,
        lambda: services.save_session(
            session_.edition,
            {**queries.session_form_values(session_), **data},
            session_=session_,
            version=session_.version_id,
            accept_warnings=accept,
            actor=current_user,
        ),
    )


@v1.route(f"/sessions/{SESSION_ID}/cancel", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_session)
@write(versioned=True)
@v1.response(200, SessionSchema)
def cancel_session(session_id: int):
    """Cancel a session: it stays in calendars as cancelled, and its people are told."""
    session_ = visible_session(session_id)
    return changed(
        session_,
        session_tag,
        lambda: services.cancel_session(session_, version=session_.version_id, actor=current_user),
    )


@v1.route(f"/editions/{SLUG}/speakers", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(SpeakerSchema, "SpeakerPage"))
def list_speakers(args, slug: str):
    """The speakers of an edition's sessions."""
    edition = visible_edition(slug)
    return page_body(queries.speakers(edition, page=args["page"], per_page=args["per_page"]))


@v1.route("/speakers/<int(min=1, max=2147483647):speaker_id>", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, SpeakerSchema)
def get_speaker(speaker_id: int):
    """A speaker of a public edition."""
    speaker = queries.speaker_by_id(speaker_id)
    if speaker is None or not queries.speaks_in_public_edition(speaker):
        abort(404)
    return speaker
