"""Casablanca Smart City 2023: the venue, the speakers and the two days' sessions."""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select

from app.demo.loader import Loader, utc
from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    Room,
    SessionKind,
    SessionStatus,
    Showcase,
    Speaker,
    SpeakerRole,
    StakeholderCategory,
    Track,
)

C = StakeholderCategory
K = SessionKind
R = SpeakerRole


class Speakers(NamedTuple):
    host: Speaker
    city: Speaker
    region: Speaker
    company: Speaker
    founder: Speaker
    professor: Speaker
    innovator: Speaker


def load_programme(
    loader: Loader, edition: Edition, tracks: list[Track], showcases: dict[str, Showcase]
) -> tuple[ConferenceSession, ...]:
    """Load the venue, speakers and sessions; return those in the attendee's agenda."""
    rooms = _rooms(loader, edition)
    speakers = _speakers(loader)
    by_prefix = {title.split(" ")[0]: s for title, s in showcases.items()}
    opening, governance = _first_morning(loader, edition, rooms, speakers, tracks, by_prefix)
    _first_afternoon(loader, edition, rooms, speakers, tracks, by_prefix)
    inclusion = _second_day(loader, edition, rooms, speakers, tracks)
    return opening, governance, inclusion


def _rooms(loader: Loader, edition: Edition) -> tuple[Room, Room, Room]:
    """The plenary, the Anfa room and the Agora space of the OFEC."""
    venue = loader.venue(
        edition,
        "Office des Foires et des Expositions de Casablanca (OFEC)",
        "Casablanca",
        address="Boulevard de la Corniche, Casablanca",
        start_date=date(2023, 10, 18),
        end_date=date(2023, 10, 19),
        position=1,
    )
    plenary = loader.room(venue, "Salle plénière", 500)
    anfa = loader.room(venue, "Salle Anfa", 150)
    agora = loader.room(venue, "Espace Agora", 300)
    return plenary, anfa, agora


def _speakers(loader: Loader) -> Speakers:
    host = loader.speaker(
        "Nadia El Idrissi", "Directrice générale", "Cluster e-Madina", C.ASSOCIATION
    )
    city = loader.speaker(
        "Youssef Benjelloun",
        "Vice-président chargé de la transformation numérique",
        "Commune de Casablanca",
        C.CITY,
    )
    region = loader.speaker(
        "Fatima Zahra Kettani",
        "Directrice de l'attractivité",
        "Région Casablanca-Settat",
        C.PUBLIC_INSTITUTION,
    )
    company = loader.speaker(
        "Karim Tazi", "Directeur de l'innovation", "Atlas Smart Grid SA", C.PRIVATE_COMPANY
    )
    founder = loader.speaker("Salma Berrada", "Cofondatrice", "Dar Mobility", C.STARTUP)
    if founder.user_id is None:
        founder.user_id = loader.users["startup@demo.agora"].id
    professor = loader.speaker(
        "Hicham Alaoui",
        "Professeur d'urbanisme",
        "Université Hassan II de Casablanca",
        C.UNIVERSITY,
    )
    innovator = loader.speaker("Omar Squalli", "Animateur", "Fab Lab Derb Sultan", C.ASSOCIATION)
    return Speakers(host, city, region, company, founder, professor, innovator)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 10, day, hour, minute)


def _first_morning(loader: Loader, edition: Edition, rooms, speakers, tracks, by_prefix):
    """The opening, the keynote, the governance panel and the first showcases (18 October)."""
    plenary, _anfa, agora = rooms
    host, city, region, _company, founder, professor, _innovator = speakers
    opening = loader.session(
        edition,
        "Ouverture : la ville smart au service des transitions métropolitaines",
        K.KEYNOTE,
        _at(18, 9),
        _at(18, 9, 30),
        room=plenary,
        speakers=[(host, R.SPEAKER), (city, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Transitions métropolitaines durables : l'exemple de Casablanca-Settat",
        K.KEYNOTE,
        _at(18, 9, 30),
        _at(18, 10, 30),
        room=plenary,
        speakers=[(region, R.SPEAKER)],
    )
    governance = loader.session(
        edition,
        "Gouvernance smart : données, participation et confiance",
        K.PANEL,
        _at(18, 10, 45),
        _at(18, 12),
        room=plenary,
        track=tracks[0],
        speakers=[
            (professor, R.MODERATOR),
            (city, R.PANELLIST),
            (region, R.PANELLIST),
            (founder, R.PANELLIST),
        ],
    )
    loader.session(
        edition,
        "Agora des showcases — gouvernance et services",
        K.SHOWCASE_SLOT,
        _at(18, 12),
        _at(18, 13),
        room=agora,
        track=tracks[0],
        showcases=[by_prefix["Budget"], by_prefix["Guichet"], by_prefix["Casa"]],
        speakers=[(founder, R.SPEAKER)],
    )
    return opening, governance


def _first_afternoon(loader: Loader, edition: Edition, rooms, speakers, tracks, by_prefix):
    """A cancelled workshop and the second showcases (18 October)."""
    _plenary, anfa, agora = rooms
    company = speakers.company
    workshop_title = "Atelier : financer les projets smart des collectivités"
    if _session_exists(edition, workshop_title) is None:
        workshop = loader.session(
            edition,
            workshop_title,
            K.WORKSHOP,
            _at(18, 14, 30),
            _at(18, 15, 30),
            room=anfa,
            track=tracks[2],
            speakers=[(company, R.SPEAKER)],
        )
        workshop.status = SessionStatus.CANCELLED
        workshop.sequence = 1
        workshop.changed_at = utc(2023, 10, 16, 17)
        workshop.abstract = "Annulé : l'intervenant principal ne peut pas venir."
    loader.session(
        edition,
        "Agora des showcases — infrastructures et écologie",
        K.SHOWCASE_SLOT,
        _at(18, 15, 30),
        _at(18, 16, 30),
        room=agora,
        track=tracks[4],
        showcases=[by_prefix["Éclairage"], by_prefix["Compteurs"]],
        speakers=[(company, R.SPEAKER)],
    )


def _second_day(loader: Loader, edition: Edition, rooms, speakers, tracks) -> ConferenceSession:
    """A moved panel, the inclusion talk and the closing (19 October); return the talk."""
    plenary, anfa, _agora = rooms
    host, city, _region, company, founder, professor, innovator = speakers
    mobility_title = "Mobilité durable et services urbains"
    if _session_exists(edition, mobility_title) is None:
        mobility = loader.session(
            edition,
            mobility_title,
            K.PANEL,
            _at(19, 9, 30),
            _at(19, 10, 30),
            room=plenary,
            track=tracks[3],
        )
        # First scheduled at 09:30, then moved to 11:00: calendars must see the change.
        mobility.set_times(_at(19, 11), _at(19, 12), mobility.timezone)
        mobility.sequence = 1
        mobility.changed_at = utc(2023, 10, 12, 10)
    loader.session(
        edition,
        mobility_title,
        K.PANEL,
        _at(19, 11),
        _at(19, 12),
        speakers=[(company, R.MODERATOR), (founder, R.PANELLIST), (city, R.PANELLIST)],
    )
    inclusion = loader.session(
        edition,
        "Le numérique au service de l'inclusion sociale",
        K.TALK,
        _at(19, 14),
        _at(19, 15),
        room=anfa,
        track=tracks[1],
        speakers=[(innovator, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Clôture et restitution des cinq axes",
        K.KEYNOTE,
        _at(19, 16),
        _at(19, 16, 30),
        room=plenary,
        speakers=[(host, R.SPEAKER), (professor, R.SPEAKER)],
    )
    return inclusion


def _session_exists(edition: Edition, title: str) -> int | None:
    return db.session.scalar(
        select(ConferenceSession.id).filter_by(edition_id=edition.id, title=title).limit(1)
    )
