"""The caller: who they are, and their agenda (sessions they starred)."""

from flask import g
from flask_login import current_user

from app.access import Audience, access
from app.api import queries
from app.api.blueprint import v1
from app.api.routes.http import page_body, write
from app.api.routes.sessions import SESSION_ID, visible_session
from app.api.schemas import AgendaEntrySchema, MeSchema, PageArgs, SessionSchema, page_schema
from app.calendars import services


@v1.route("/me", methods=["GET"])
@access(Audience.USER)
@v1.response(200, MeSchema)
def me():
    """The account the request acts for, and the scope of its token."""
    token = g.get("api_token")
    return {
        "id": current_user.id,
        "email": current_user.email,
        "display_name": current_user.display_name,
        "token_scope": token.scope.value if token else None,
    }


@v1.route("/me/agenda", methods=["GET"])
@access(Audience.USER)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(SessionSchema, "AgendaPage"))
def my_agenda(args):
    """The sessions the caller starred, in time order."""
    return page_body(
        queries.starred_sessions(current_user, page=args["page"], per_page=args["per_page"])
    )


@v1.route(f"/me/agenda/{SESSION_ID}", methods=["PUT"])
@access(Audience.USER)
@write()
@v1.response(200, AgendaEntrySchema)
def star(session_id: int):
    """Add a session to the caller's agenda (again: no change)."""
    session_ = visible_session(session_id)
    services.star_session(current_user, session_)
    return {"session_id": session_.id, "starred": True}


@v1.route(f"/me/agenda/{SESSION_ID}", methods=["DELETE"])
@access(Audience.USER)
@write()
@v1.response(200, AgendaEntrySchema)
def unstar(session_id: int):
    """Take a session out of the caller's agenda."""
    session_ = visible_session(session_id)
    services.unstar_session(current_user, session_)
    return {"session_id": session_.id, "starred": False}
