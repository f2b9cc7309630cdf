"""Reads of registrations for the API: an edition's page of them, its registration form."""

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.api.queries import Page, paginate
from app.models import Edition, Registration, RegistrationStatus, User, utcnow
from app.registrations.queries import is_open, registration_by_code, settings_of

SORT_COLUMNS = {
    "name": func.lower(Registration.full_name),
    "created_at": Registration.created_at,
    "checked_in_at": Registration.checked_in_at,
    "updated_at": Registration.updated_at,
}


def registrations(
    edition: Edition,
    *,
    status: RegistrationStatus | None = None,
    checked_in: bool | None = None,
    q: str | None = None,
    sort: str = "name",
    updated_since: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """A page of an edition's registrations, filtered as the organisers' list filters them."""
    query = (
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.edition_id == edition.id)
        .options(joinedload(Registration.user))
    )
    if status is not None:
        query = query.where(Registration.status == status)
    if checked_in is not None:
        stamp = Registration.checked_in_at
        query = query.where(stamp.is_not(None) if checked_in else stamp.is_(None))
    text = (q or "").strip().lower()
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(
                func.lower(Registration.full_name).like(pattern),
                func.lower(User.email).like(pattern),
                func.lower(Registration.organisation_name).like(pattern),
            )
        )
    if updated_since is not None:
        query = query.where(Registration.updated_at >= updated_since)
    column = SORT_COLUMNS[sort.lstrip("-")]
    query = query.order_by(column.desc() if sort.startswith("-") else column.asc(), Registration.id)
    return paginate(query, page=page, per_page=per_page)


def registration_form(edition: Edition) -> dict:
    """Whether ``edition`` takes registrations now, until when, and what it asks."""
    settings = settings_of(edition)
    return {
        "is_open": is_open(edition, settings, utcnow()),
        "closes_local": settings.closes_local if settings else None,
        "timezone": edition.timezone,
        "questions": list(settings.questions or []) if settings else [],
    }


def unknown_questions(edition: Edition, answers: dict) -> list[str]:
    """The keys of ``answers`` that are not questions of ``edition``."""
    settings = settings_of(edition)
    asked = set(settings.questions or []) if settings else set()
    return [question for question in answers if question not in asked]


def ticket_of(edition: Edition, code: str) -> Registration | None:
    """The registration of ``edition`` whose ticket has ``code`` (None for another's)."""
    found = registration_by_code(code)
    return found if found is not None and found.edition_id == edition.id else None
