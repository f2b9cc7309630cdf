"""Reads behind the organiser pages: sessions, rooms, speakers, availability, photos."""

from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    Room,
    Speaker,
    SpeakerAvailability,
    Venue,
)


def edition_sessions(edition: Edition) -> list[ConferenceSession]:
    """Every session of an edition, cancelled ones too, in time order."""
    return list(
        db.session.scalars(
            select(ConferenceSession)
            .where(ConferenceSession.edition_id == edition.id)
            .order_by(ConferenceSession.starts_at, ConferenceSession.id)
        )
    )


def edition_rooms(edition: Edition) -> list[Room]:
    return list(
        db.session.scalars(
            select(Room)
            .join(Room.venue)
            .where(Venue.edition_id == edition.id)
            .order_by(Venue.position, Venue.id, Room.name)
        )
    )


def session_titles(edition: Edition) -> dict[int, str]:
    """Map each session of an edition to its title."""
    return dict(
        db.session.execute(
            select(ConferenceSession.id, ConferenceSession.title).where(
                ConferenceSession.edition_id == edition.id
            )
        ).all()
    )


def all_speakers() -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).order_by(Speaker.name, Speaker.id)))


def speaker_availabilities(edition: Edition, speaker: Speaker) -> list[SpeakerAvailability]:
    """The periods ``speaker`` said they can be scheduled in ``edition``, in time order."""
    return list(
        db.session.scalars(
            select(SpeakerAvailability)
            .where(
                SpeakerAvailability.edition_id == edition.id,
                SpeakerAvailability.speaker_id == speaker.id,
            )
            .order_by(SpeakerAvailability.starts_at)
        )
    )


def photo_file(speaker: Speaker) -> Path | None:
    """Return the stored photo of a speaker, or None."""
    if not speaker.photo_path:
        return None
    path = (Path(current_app.config["UPLOAD_FOLDER"]) / speaker.photo_path).resolve()
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def sessions_outside_days(edition: Edition) -> list[ConferenceSession]:
    """The sessions of an edition that start (venue wall clock) outside its days, in time order."""
    first = datetime.combine(edition.start_date, datetime.min.time())
    after = datetime.combine(edition.end_date + timedelta(days=1), datetime.min.time())
    starts = ConferenceSession.starts_local
    return list(
        db.session.scalars(
            select(ConferenceSession)
            .where(
                ConferenceSession.edition_id == edition.id,
                or_(starts < first, starts >= after),
            )
            .order_by(ConferenceSession.starts_at, ConferenceSession.id)
        )
    )


def day_sessions(edition: Edition, day: date) -> list[ConferenceSession]:
    """The sessions of an edition starting on ``day`` (their venue's wall clock), in time order."""
    start = datetime.combine(day, datetime.min.time())
    return list(
        db.session.scalars(
            select(ConferenceSession)
            .where(
                ConferenceSession.edition_id == edition.id,
                ConferenceSession.starts_local >= start,
                ConferenceSession.starts_local < start + timedelta(days=1),
            )
            .order_by(ConferenceSession.starts_local)
        )
    )
