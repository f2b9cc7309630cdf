"""A showcase's place in the Agora: its stand and the showcase sessions it is presented in."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, FormErrors, NotFound
from app.extensions import db
from app.models import ConferenceSession, SessionKind, SessionShowcase, Showcase
from app.showcases.queries.rules import STAND_MAX, S, clean_text


def free_place(showcase: Showcase) -> None:
    """Take back the stand and the session slots of a showcase that is no longer in."""
    showcase.stand_number = None
    _remove_places(showcase)


def _remove_places(showcase: Showcase, *where) -> None:
    """Take the showcase out of sessions through the unit of work (a few rows), so that
    the flush stamps the editions whose programme showed it there (app/caching.py)."""
    for place in db.session.scalars(
        select(SessionShowcase).where(SessionShowcase.showcase_id == showcase.id, *where)
    ):
        db.session.delete(place)


def set_stand(showcase: Showcase, stand: str | None) -> None:
    """Give an accepted showcase its stand number (unique in the edition), or none."""
    stand = clean_text(stand) or None
    if stand is not None and showcase.status is not S.ACCEPTED:
        raise Conflict(_("Only an accepted showcase gets a stand."))
    if stand is not None and len(stand) > STAND_MAX:
        raise FormErrors({"stand_number": [_("Keep the stand number short (20 characters).")]})
    if stand is not None:
        taken = db.session.scalar(
            select(Showcase.title).where(
                Showcase.edition_id == showcase.edition_id,
                Showcase.stand_number == stand,
                Showcase.id != showcase.id,
            )
        )
        if taken is not None:
            raise FormErrors(
                {
                    "stand_number": [
                        _("Stand %(stand)s is already “%(title)s”'s.", stand=stand, title=taken)
                    ]
                }
            )
    try:
        with db.session.begin_nested():
            showcase.stand_number = stand
            db.session.flush()
    except IntegrityError as error:
        raise FormErrors(
            {
                "stand_number": [
                    _("Stand %(stand)s was just given to another showcase.", stand=stand)
                ]
            }
        ) from error


def link_session(showcase: Showcase, session_id) -> ConferenceSession:
    if showcase.status is not S.ACCEPTED:
        raise Conflict(_("Only an accepted showcase is presented in a session."))
    try:
        session_ = db.session.get(ConferenceSession, int(session_id))
    except (TypeError, ValueError):
        session_ = None
    if (
        session_ is None
        or session_.edition_id != showcase.edition_id
        or session_.kind is not SessionKind.SHOWCASE_SLOT
    ):
        raise FormErrors({"session_id": [_("Choose one of this edition's showcase sessions.")]})
    exists = db.session.scalar(
        select(SessionShowcase.id).where(
            SessionShowcase.session_id == session_.id,
            SessionShowcase.showcase_id == showcase.id,
        )
    )
    if exists is None:
        position = db.session.scalar(
            select(func.count(SessionShowcase.id)).where(SessionShowcase.session_id == session_.id)
        )
        db.session.add(
            SessionShowcase(session_id=session_.id, showcase_id=showcase.id, position=position)
        )
        db.session.flush()
    return session_


def unlink_session(showcase: Showcase, session_id) -> None:
    try:
        session_id = int(session_id)
    except (TypeError, ValueError):
        raise NotFound(_("There is no such session.")) from None
    _remove_places(showcase, SessionShowcase.session_id == session_id)
    db.session.flush()
