"""Demo data: an upcoming edition with its call and its registration open, so every journey
(submitting a showcase, registering, starring sessions, checking in) works on a fresh demo.

Its dates follow the day ``flask demo`` first runs (six weeks ahead); a later run finds the
edition by its slug and changes nothing.
"""

import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.auth.services import hash_password
from app.extensions import db
from app.models import (
    AgendaEntry,
    ConferenceSession,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    Registration,
    RegistrationSettings,
    ReviewCriterion,
    SessionBooking,
    SessionKind,
    Showcase,
    ShowcaseKind,
    ShowcaseStatus,
    ShowcaseTransition,
    SpeakerRole,
    StakeholderCategory,
    Track,
    User,
)
from app.timezones import local_to_utc

UPCOMING_SLUG = "sfax-smart-city-next"
UPCOMING_ZONE = "Africa/Tunis"
UPCOMING_CAPACITY = 150
# Two workshops at the same time on the first morning: an agenda holding both flags them.
# Both take bookings: the first has seats left, the second is full (two seats, both booked).
WORKSHOP_SEATS = (24, 2)
OVERLAPPING_TITLES = (
    "Atelier : jumeaux numériques pour la gestion de l'eau",
    "Atelier : données ouvertes et mobilité partagée",
)
UPCOMING_TRACKS = (
    ("Gouvernance et données", "#3559a8"),
    ("Mobilité et énergie", "#2a7f62"),
)


def load(loader, today: date | None = None) -> None:
    """Create the upcoming edition (once) with rooms, sessions, an open call and registration.

    :param loader: the demo loader (``get_or_create``, ``series``, ``edition``, ``session``...).
    :param today: the day the dates are counted from (default: today).
    """
    today = today or date.today()
    start = today + timedelta(days=42)
    edition = _edition(loader, today, start)
    attendee = loader.users["attendee@demo.agora"]
    _roles(loader, edition)
    tracks = _tracks(loader, edition)
    _call_and_registration(loader, edition, start)
    chosen = _sessions(loader, edition, start, tracks)
    _attendee(loader, edition, attendee, chosen)
    _startup_showcases(loader, edition, tracks[1], today)
    if not attendee.calendar_token:
        attendee.calendar_token = secrets.token_urlsafe(32)


def _edition(loader, today: date, start: date):
    """The series and its upcoming edition, its call open since a week."""
    series = loader.series(
        "sfax-smart-city",
        "Sfax Smart City",
        "Le forum des villes intelligentes du Sud tunisien.",
        "Cluster e-Madina",
    )
    return loader.edition(
        series,
        UPCOMING_SLUG,
        number=1,
        year=start.year,
        title="Sfax Smart City — prochaine édition",
        theme="Des services urbains sobres et ouverts",
        description=(
            "Deux jours de conférences, d'ateliers et de showcases : l'appel est ouvert, "
            "l'inscription aussi."
        ),
        format=EditionFormat.CONFERENCE,
        timezone=UPCOMING_ZONE,
        start_date=start,
        end_date=start + timedelta(days=1),
        organised_by="Cluster e-Madina",
        call_opens_local=datetime.combine(today - timedelta(days=7), time(9, 0)),
        call_closes_local=datetime.combine(start - timedelta(days=14), time(18, 0)),
        published_at=datetime.combine(today - timedelta(days=7), time(8, 0), tzinfo=UTC),
    )


def _roles(loader, edition) -> None:
    """The demo organiser and reviewer take their roles in the edition."""
    organiser = loader.users["organiser@demo.agora"]
    reviewer = loader.users["reviewer@demo.agora"]
    loader.get_or_create(
        EditionRole, user_id=organiser.id, edition_id=edition.id, role=EditionRoleKind.ORGANISER
    )
    loader.get_or_create(
        EditionRole, user_id=reviewer.id, edition_id=edition.id, role=EditionRoleKind.REVIEWER
    )


def _tracks(loader, edition) -> list[Track]:
    return [
        loader.get_or_create(
            Track, edition_id=edition.id, name=name, defaults={"colour": colour, "position": n}
        )[0]
        for n, (name, colour) in enumerate(UPCOMING_TRACKS)
    ]


def _call_and_registration(loader, edition, start: date) -> None:
    """A review criterion for the call, and registration open until the first morning."""
    loader.get_or_create(
        ReviewCriterion,
        edition_id=edition.id,
        name="Impact",
        defaults={"description": "Ce que le projet change pour les habitants.", "weight": 1},
    )
    closes_local = datetime.combine(start, time(8, 0))
    loader.get_or_create(
        RegistrationSettings,
        edition_id=edition.id,
        defaults={
            "is_open": True,
            "capacity": UPCOMING_CAPACITY,
            "closes_local": closes_local,
            "closes_at": local_to_utc(closes_local, UPCOMING_ZONE),
            "questions": ["Un besoin d'accessibilité ?"],
        },
    )


def _sessions(loader, edition, start: date, tracks: list[Track]) -> tuple:
    """The venue, its rooms and the two days' sessions; returns those the attendee stars."""
    venue = loader.venue(
        edition, "Palais des congrès de Sfax", "Sfax", address="Avenue Habib Bourguiba"
    )
    plenary = loader.room(venue, "Salle plénière", 400)
    rooms = (loader.room(venue, "Salle Kerkennah", 40), loader.room(venue, "Salle Thyna", 30))
    host = loader.speaker(
        "Hédi Ben Salem",
        "Directeur, Cluster e-Madina",
        "Cluster e-Madina",
        StakeholderCategory.ASSOCIATION,
    )

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(start + timedelta(days=day), time(hour, minute))

    opening = loader.session(
        edition,
        "Ouverture : la ville sobre et ouverte",
        SessionKind.KEYNOTE,
        at(0, 9),
        at(0, 10),
        room=plenary,
        speakers=[(host, SpeakerRole.SPEAKER)],
    )
    _workshops(loader, edition, at, rooms, tracks)
    panel = _second_half(loader, edition, at, plenary, tracks)
    return opening, panel


def _workshops(loader, edition, at, rooms, tracks: list[Track]) -> None:
    """The two overlapping workshops of the first morning, each with a number of seats."""
    for title, room, track, begins, ends, seats in (
        (OVERLAPPING_TITLES[0], rooms[0], tracks[0], at(0, 10, 30), at(0, 12), WORKSHOP_SEATS[0]),
        (OVERLAPPING_TITLES[1], rooms[1], tracks[1], at(0, 11), at(0, 12, 30), WORKSHOP_SEATS[1]),
    ):
        loader.session(
            edition,
            title,
            SessionKind.WORKSHOP,
            begins,
            ends,
            room=room,
            track=track,
            capacity=seats,
        )


def _second_half(loader, edition, at, plenary, tracks: list[Track]):
    """The panel of the first afternoon, then the second day; returns the panel."""
    panel = loader.session(
        edition,
        "Table ronde : financer les services urbains en PPP",
        SessionKind.PANEL,
        at(0, 14),
        at(0, 15, 30),
        room=plenary,
        track=tracks[0],
    )
    loader.session(
        edition,
        "Showcases : les startups de la mobilité",
        SessionKind.SHOWCASE_SLOT,
        at(1, 9, 30),
        at(1, 11),
        room=plenary,
        track=tracks[1],
    )
    loader.session(
        edition,
        "Clôture et feuille de route",
        SessionKind.KEYNOTE,
        at(1, 16),
        at(1, 17),
        room=plenary,
    )
    return panel


# Two more attendees, who cannot sign in, hold the two seats of the second workshop, so
# the demo attendee who books it joins its queue.
SEAT_HOLDERS = (
    ("hela.bensalah@example.org", "Hela Ben Salah", "city"),
    ("youssef.trabelsi@example.org", "Youssef Trabelsi", "startup"),
)


def _attendee(loader, edition, attendee, chosen) -> None:
    """The demo attendee is registered and has starred ``chosen``; two other attendees fill
    the second workshop."""
    _register(loader, edition, attendee, "attendee")
    for session_ in chosen:
        loader.get_or_create(AgendaEntry, user_id=attendee.id, session_id=session_.id)
    full = db.session.scalar(
        select(ConferenceSession).filter_by(edition_id=edition.id, title=OVERLAPPING_TITLES[1])
    )
    for email, name, role in SEAT_HOLDERS:
        person, _ = loader.get_or_create(
            User,
            email=email,
            defaults={
                "display_name": name,
                "password_hash": hash_password(secrets.token_urlsafe(24)),
                "locale": "fr",
            },
        )
        _register(loader, edition, person, role)
        loader.get_or_create(SessionBooking, session_id=full.id, user_id=person.id)
        loader.get_or_create(AgendaEntry, user_id=person.id, session_id=full.id)


def _register(loader, edition, person, role: str) -> None:
    loader.get_or_create(
        Registration,
        user_id=person.id,
        edition_id=edition.id,
        defaults={"full_name": person.display_name, "role": role},
    )


def _startup_showcases(loader, edition, track, today: date) -> None:
    """The demo startup's showcases in the open call: one submitted, one still a draft."""
    startup = loader.users["startup@demo.agora"]
    submitted_on = datetime.combine(today - timedelta(days=2), time(10, 0), tzinfo=UTC)
    submitted, created = loader.get_or_create(
        Showcase,
        edition_id=edition.id,
        title="Dar Mobility à Sfax : le covoiturage des navetteurs",
        defaults={
            "organisation_id": startup.organisation_id,
            "submitted_by_id": startup.id,
            "track_id": track.id,
            "summary": "Un covoiturage domicile-travail pour les zones industrielles de Sfax.",
            "kind": ShowcaseKind.PROJECT,
            "status": ShowcaseStatus.SUBMITTED,
            "submitted_at": submitted_on,
        },
    )
    if created:
        for before, after in (
            (None, ShowcaseStatus.DRAFT),
            (ShowcaseStatus.DRAFT, ShowcaseStatus.SUBMITTED),
        ):
            loader.add(
                ShowcaseTransition(
                    showcase_id=submitted.id,
                    actor_id=startup.id,
                    from_status=before,
                    to_status=after,
                    created_at=submitted_on,
                )
            )
    loader.get_or_create(
        Showcase,
        edition_id=edition.id,
        title="Parkings relais connectés (brouillon)",
        defaults={
            "organisation_id": startup.organisation_id,
            "submitted_by_id": startup.id,
            "summary": "Une idée à préciser avant l'envoi.",
            "kind": ShowcaseKind.SYSTEM,
            "status": ShowcaseStatus.DRAFT,
        },
    )
