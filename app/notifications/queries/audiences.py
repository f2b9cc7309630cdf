"""The groups of people an organiser can write an announcement to."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import InvalidInput
from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    Registration,
    RegistrationStatus,
    SessionSpeaker,
    Showcase,
    ShowcaseStatus,
    Speaker,
    Thinklab,
    ThinklabMember,
    User,
)

AUDIENCES = {
    "attendees": _l("All registered attendees"),
    "showcases": _l("Delegates of every accepted showcase"),
    "speakers": _l("All speakers"),
    "thinklab": _l("The members of a thinklab"),
}


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    locale: str
    user: User | None


def thinklabs_of(edition: Edition) -> list[Thinklab]:
    """Return the thinklabs of ``edition``, by name."""
    return list(
        db.session.scalars(
            select(Thinklab).where(Thinklab.edition_id == edition.id).order_by(Thinklab.name)
        )
    )


def _users_people(users) -> list[Person]:
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return [
        Person(user.email, user.display_name, user.locale or default, user)
        for user in users
        if not user.is_disabled
    ]


def _attendees(edition: Edition, thinklab_id: int | None) -> list[Person]:
    return _users_people(
        db.session.scalars(
            select(User)
            .join(Registration, Registration.user_id == User.id)
            .where(
                Registration.edition_id == edition.id,
                Registration.status == RegistrationStatus.REGISTERED,
            )
            .order_by(User.id)
        )
    )


def _showcase_delegates(edition: Edition, thinklab_id: int | None) -> list[Person]:
    organisations = select(Showcase.organisation_id).where(
        Showcase.edition_id == edition.id, Showcase.status == ShowcaseStatus.ACCEPTED
    )
    return _users_people(
        db.session.scalars(
            select(User).where(User.organisation_id.in_(organisations)).order_by(User.id)
        )
    )


def _speakers(edition: Edition, thinklab_id: int | None) -> list[Person]:
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    # An IN, not a DISTINCT over the speakers' columns: PostgreSQL cannot compare their
    # JSON links.
    speaker_ids = (
        select(SessionSpeaker.speaker_id)
        .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
        .where(ConferenceSession.edition_id == edition.id)
    )
    speakers = db.session.scalars(
        select(Speaker).where(Speaker.id.in_(speaker_ids)).order_by(Speaker.id)
    )
    people = []
    for speaker in speakers:
        address = speaker.email or (speaker.user.email if speaker.user else None)
        if address:
            locale = (speaker.user.locale if speaker.user else None) or default
            people.append(Person(address, speaker.name, locale, speaker.user))
    return people


def _thinklab_members(edition: Edition, thinklab_id: int | None) -> list[Person]:
    thinklab = db.session.get(Thinklab, thinklab_id) if thinklab_id else None
    if thinklab is None or thinklab.edition_id != edition.id:
        raise InvalidInput(str(_l("Choose a thinklab of this edition.")), field="thinklab_id")
    return _users_people(
        db.session.scalars(
            select(User)
            .join(ThinklabMember, ThinklabMember.user_id == User.id)
            .where(ThinklabMember.thinklab_id == thinklab.id)
            .order_by(User.id)
        )
    )


_GROUPS = {
    "attendees": _attendees,
    "showcases": _showcase_delegates,
    "speakers": _speakers,
    "thinklab": _thinklab_members,
}


def group_members(edition: Edition, audience: str, thinklab_id: int | None = None) -> list[Person]:
    """Return the people of a group of the edition, one per address (case-insensitive).

    :raises InvalidInput: for an unknown group or a thinklab of another edition.
    """
    members_of = _GROUPS.get(audience)
    if members_of is None:
        raise InvalidInput(str(_l("Choose a group.")), field="audience")
    unique: dict[str, Person] = {}
    for person in members_of(edition, thinklab_id):
        unique.setdefault(person.email.strip().lower(), person)
    return list(unique.values())
