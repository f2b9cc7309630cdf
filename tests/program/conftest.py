"""Worlds of the programme tests: a small published programme (two days, two rooms, tracks,
speakers and a showcase), and the Paris edition whose second day starts on summer time."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

import pytest

from app.extensions import db
from app.models import (
    Edition,
    EditionRoleKind,
    Room,
    SessionKind,
    SessionShowcase,
    SessionSpeaker,
    SessionStatus,
    SpeakerRole,
    StakeholderCategory,
    Venue,
)
from tests.factories import (
    add_speaker,
    grant,
    make_edition,
    make_organisation,
    make_room,
    make_session,
    make_showcase,
    make_speaker,
    make_track,
    make_user,
    make_venue,
)


@dataclass
class Programme:
    slug: str
    edition_id: int
    tracks: dict
    venues: dict
    rooms: dict
    sessions: dict
    speakers: dict


def build_programme(slug: str = "casa-2027", year: int = 2027, **edition_fields) -> Programme:
    """Add an edition with a handful of sessions and return their ids; flushes only."""
    edition_fields.setdefault("timezone", "Africa/Casablanca")
    edition = make_edition(
        slug=slug,
        year=year,
        start_date=date(year, 3, 10),
        end_date=date(year, 3, 11),
        **edition_fields,
    )
    governance = make_track(edition, name="Smart governance", colour="#1f7a4d", position=1)
    ecology = make_track(edition, name="Ecology", colour="#8a3ab9", position=2)
    centre = make_venue(edition, name="Parc des expositions", town="Casablanca", position=1)
    annex = make_venue(edition, name="Technopark", town="Casablanca", position=2)
    hall = make_room(centre, name="Hall A")
    studio = make_room(centre, name="Studio B")
    lab = make_room(annex, name="Lab 1")
    organisation = make_organisation(name=f"Casa Mobility {slug}")
    amina = make_speaker(
        name="Amina Benali",
        title="Chief digital officer",
        bio="Builds city platforms.\nLikes <b>buses</b>.",
        organisation=organisation,
        category=StakeholderCategory.CITY,
    )
    karim = make_speaker(name="Karim Alaoui", category=StakeholderCategory.STARTUP)

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(year, 3, day, hour, minute)

    opening = make_session(
        edition,
        at(10, 9),
        at(10, 10),
        kind=SessionKind.KEYNOTE,
        title="Opening keynote",
        abstract="Line one\nLine two <script>alert(1)</script>",
        track=governance,
        venue=centre,
        room=hall,
        status=SessionStatus.CONFIRMED,
    )
    panel = make_session(
        edition,
        at(10, 10, 30),
        at(10, 12),
        kind=SessionKind.PANEL,
        title="Metropolitan transitions panel",
        track=ecology,
        venue=centre,
        room=studio,
        status=SessionStatus.CONFIRMED,
    )
    cancelled = make_session(
        edition,
        at(10, 10, 30),
        at(10, 11, 30),
        kind=SessionKind.TALK,
        title="Cancelled talk on sensors",
        track=ecology,
        venue=centre,
        room=hall,
        status=SessionStatus.CANCELLED,
        sequence=1,
        changed_at=datetime(2027, 2, 20, 15, 0, tzinfo=UTC),
    )
    moved = make_session(
        edition,
        at(11, 14),
        at(11, 15),
        kind=SessionKind.WORKSHOP,
        title="Moved workshop",
        track=governance,
        venue=annex,
        room=lab,
        status=SessionStatus.CONFIRMED,
        sequence=2,
        changed_at=datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
    )
    slot = make_session(
        edition,
        at(11, 9),
        at(11, 10),
        kind=SessionKind.SHOWCASE_SLOT,
        title="Startup showcases",
        venue=annex,
        room=lab,
    )
    opening.speakers.append(SessionSpeaker(speaker=amina, role=SpeakerRole.SPEAKER))
    panel.speakers.append(SessionSpeaker(speaker=amina, role=SpeakerRole.MODERATOR, position=0))
    panel.speakers.append(SessionSpeaker(speaker=karim, role=SpeakerRole.PANELLIST, position=1))
    showcase = make_showcase(edition, organisation, title="Smart bus stops")
    slot.showcases.append(SessionShowcase(showcase=showcase))
    db.session.flush()
    return Programme(
        slug=slug,
        edition_id=edition.id,
        tracks={"governance": governance.id, "ecology": ecology.id},
        venues={"centre": centre.id, "annex": annex.id},
        rooms={"hall": hall.id, "studio": studio.id, "lab": lab.id},
        sessions={
            "opening": opening.id,
            "panel": panel.id,
            "cancelled": cancelled.id,
            "moved": moved.id,
            "slot": slot.id,
        },
        speakers={"amina": amina.id, "karim": karim.id},
    )


@pytest.fixture
def programme(app) -> Programme:
    with app.app_context():
        built = build_programme()
        db.session.commit()
        return built


class ParisRooms(NamedTuple):
    """An edition in Paris over the night the clocks go forward, one venue, two rooms."""

    edition: Edition
    venue: Venue
    hall: Room
    studio: Room


def build_paris_rooms(**edition_fields) -> ParisRooms:
    """Add the Paris edition of 27–28 March 2027 (UTC+1, then UTC+2 from 02:00 on the 28th)
    with the venue "Centre" and its rooms "Hall" and "Studio"; flushes only."""
    edition = make_edition(
        timezone="Europe/Paris",
        start_date=date(2027, 3, 27),
        end_date=date(2027, 3, 28),
        **edition_fields,
    )
    venue = make_venue(edition, name="Centre", town="Paris")
    hall, studio = make_room(venue, name="Hall"), make_room(venue, name="Studio")
    return ParisRooms(edition, venue, hall, studio)


@pytest.fixture
def paris_rooms(app_ctx) -> ParisRooms:
    """The Paris edition and its rooms as objects, for service tests (nothing committed)."""
    return build_paris_rooms()


@pytest.fixture
def speaker_with_a_talk(app) -> dict:
    """In the Paris edition, committed: Amina speaks in the "Afternoon talk" (28 March,
    15:00–16:00 in the Hall); an organiser of the edition and a user who is not one.
    Returns ids: ``slug``, ``organiser``, ``outsider``, ``speaker`` and ``place`` (her
    place in the talk, whose invitation link she uses)."""
    with app.app_context():
        paris = build_paris_rooms()
        organiser = make_user()
        grant(organiser, paris.edition, EditionRoleKind.ORGANISER)
        speaker = make_speaker(name="Amina")
        talk = make_session(
            paris.edition,
            datetime(2027, 3, 28, 15),
            datetime(2027, 3, 28, 16),
            title="Afternoon talk",
            room=paris.hall,
            venue=paris.venue,
            timezone="Europe/Paris",
        )
        place = add_speaker(talk, speaker)
        outsider = make_user()
        db.session.commit()
        return {
            "slug": paris.edition.slug,
            "organiser": organiser.id,
            "outsider": outsider.id,
            "speaker": speaker.id,
            "place": place.id,
        }
