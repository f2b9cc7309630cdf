"""Reads behind the speaker indexes: who speaks, with their organisation and session count."""

import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ConferenceSession, Edition, SessionSpeaker, Speaker
from app.program.queries.programme import PUBLIC_STATUSES

MAX_NAME_FILTER = 100


def sort_key(name: str) -> str:
    """The name as an alphabetical list orders it: no case, no accents (É sorts with E)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def initial_of(name: str) -> str:
    """The letter a name is listed under ("É" under "E"); "#" for a name without a letter."""
    for character in sort_key(name):
        if character.isalpha():
            return character.upper()
    return "#"


@dataclass(frozen=True)
class SpeakerRow:
    speaker: Speaker
    sessions: int

    @property
    def initial(self) -> str:
        return initial_of(self.speaker.name)


@dataclass(frozen=True)
class SpeakerIndex:
    rows: list[SpeakerRow]
    initials: list[str]
    initial: str | None
    name: str

    @property
    def total(self) -> int:
        return len(self.rows)


def speaker_index(
    edition: Edition | None = None,
    *,
    initial: str | None = None,
    name: str = "",
    public_only: bool = True,
) -> SpeakerIndex:
    """Return the speakers of ``edition`` (or of every public edition), alphabetically.

    One statement: each speaker with the number of their sessions there and their
    organisation. ``initial`` keeps the names listed under one letter; ``name`` the names
    holding these letters (accents and case ignored).

    :param public_only: count only sessions of published and archived editions (an
        edition's organisers see the speakers of its draft programme).
    """
    counts = (
        select(
            SessionSpeaker.speaker_id,
            func.count(func.distinct(SessionSpeaker.session_id)).label("sessions"),
        )
        .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
        .join(Edition, Edition.id == ConferenceSession.edition_id)
        .group_by(SessionSpeaker.speaker_id)
    )
    if edition is not None:
        counts = counts.where(ConferenceSession.edition_id == edition.id)
    if public_only:
        counts = counts.where(Edition.status.in_(PUBLIC_STATUSES))
    counts = counts.subquery()
    found = db.session.execute(
        select(Speaker, counts.c.sessions)
        .join(counts, counts.c.speaker_id == Speaker.id)
        .options(joinedload(Speaker.organisation))
    ).all()
    rows = sorted(
        (SpeakerRow(speaker, sessions) for speaker, sessions in found),
        key=lambda row: (sort_key(row.speaker.name), row.speaker.id),
    )
    initials = sorted({row.initial for row in rows})
    initial = (initial or "").strip().upper()[:1] or None
    if initial is not None:
        rows = [row for row in rows if row.initial == initial]
    name = " ".join((name or "").split())[:MAX_NAME_FILTER]
    if name:
        wanted = sort_key(name)
        rows = [row for row in rows if wanted in sort_key(row.speaker.name)]
    return SpeakerIndex(rows=rows, initials=initials, initial=initial, name=name)


def places_by_edition(places: list[SessionSpeaker]) -> list[tuple[Edition, list[SessionSpeaker]]]:
    """Group a speaker's places (in time order) by edition, the editions in order of their
    first session."""
    groups: dict[int, tuple[Edition, list[SessionSpeaker]]] = {}
    for place in places:
        edition = place.session.edition
        groups.setdefault(edition.id, (edition, []))[1].append(place)
    return list(groups.values())


def linked_speaker(user) -> Speaker | None:
    """Return the speaker profile linked to ``user``'s account, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Speaker).where(Speaker.user_id == user.id))
