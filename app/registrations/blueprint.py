"""The registrations blueprint and the calendar-link helpers every page may use."""

from flask import Blueprint, current_app, g, url_for
from flask_login import current_user

from app.models import BookingStatus, RegistrationStatus
from app.models.base import utcnow
from app.registrations import queries
from app.showcases.queries import reviews_anything

bp = Blueprint("registrations", __name__)


def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) address, which calendar apps subscribe to."""
    return "webcal://" + url.split("://", 1)[-1]


@bp.app_context_processor
def calendar_links():
    """``calendar_urls(endpoint, **values)``: the download and subscription addresses of a feed."""

    def calendar_urls(endpoint: str, **values) -> dict[str, str]:
        base = current_app.config["AGORA_BASE_URL"].rstrip("/")
        download = base + url_for(endpoint, **values)
        return {"download": download, "webcal": webcal(download)}

    return {"calendar_urls": calendar_urls}


@bp.app_context_processor
def navigation():
    """What the header and the edition page offer: My reviews, Register or My ticket."""

    def reviews_something() -> bool:
        if not current_user.is_authenticated:
            return False
        if "agora_reviews_something" not in g:
            g.agora_reviews_something = reviews_anything(current_user)
        return g.agora_reviews_something

    def registration_state(edition) -> dict:
        mine = queries.registration_of(current_user, edition)
        if mine is not None and mine.status is RegistrationStatus.CANCELLED:
            mine = None
        settings = queries.settings_of(edition)
        return {"mine": mine, "is_open": queries.is_open(edition, settings, utcnow())}

    return {"reviews_something": reviews_something, "registration_state": registration_state}


@bp.app_context_processor
def seats():
    """``seat_state(session)``: what the session page and its organiser form say of its seats."""

    def seat_state(session_) -> dict:
        seats = session_.seats
        counts = queries.seat_counts([session_.id])[session_.id] if session_.id else {}
        booked = counts.get(BookingStatus.BOOKED, 0)
        mine = queries.booking_of(current_user, session_)
        if mine is not None and mine.status is BookingStatus.CANCELLED:
            mine = None
        registered = queries.registration_of(current_user, session_.edition)
        return {
            "seats": seats,
            "booked": booked,
            "waiting": counts.get(BookingStatus.WAITLISTED, 0),
            "free": max(seats - booked, 0) if seats is not None else None,
            "mine": mine,
            "position": queries.queue_position(mine) if mine is not None else None,
            "is_registered": registered is not None
            and registered.status is RegistrationStatus.REGISTERED,
        }

    return {"seat_state": seat_state}
