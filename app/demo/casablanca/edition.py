"""Casablanca Smart City 2023: the edition, its tracks and criteria, roles, sponsorship."""

from datetime import date, datetime

from app.demo.loader import Loader, utc
from app.models import (
    AgendaEntry,
    AgreementKind,
    AgreementStatus,
    Edition,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    Registration,
    ReviewCriterion,
    Track,
)

CASABLANCA_SLUG = "casablanca-smart-city-2023"

A = AgreementStatus

CASABLANCA_TRACKS = (
    ("Gouvernance smart", "#3559a8"),
    ("Social et communautaire", "#a63d6b"),
    ("Infrastructures", "#6b5a2e"),
    ("Services smart", "#1f7a6d"),
    ("Écologie, environnement et développement durable", "#2e7d32"),
)

REVIEW_CRITERIA = (
    ("Pertinence", "Relevance to the edition's theme and axis.", 2),
    ("Maturité", "Maturity: from idea to deployed system.", 1),
    ("Impact", "Measured or expected impact on residents and the territory.", 2),
    ("Réplicabilité", "Replicability in other cities and regions.", 1),
)


def load_edition(loader: Loader) -> Edition:
    series = loader.series(
        "casablanca-smart-city",
        "Casablanca Smart City",
        "L'Agora annuelle des projets smart des villes, entreprises et startups du Maroc.",
        "Cluster e-Madina",
    )
    return loader.edition(
        series,
        CASABLANCA_SLUG,
        number=7,
        year=2023,
        title="Casablanca Smart City 2023 — 7e édition",
        theme="Ville smart, vers les transitions métropolitaines durables",
        description=(
            "Une Agora de showcases : entreprises, innovateurs, startups et collectivités "
            "territoriales présentent leurs projets selon cinq axes."
        ),
        format=EditionFormat.AGORA,
        timezone="Africa/Casablanca",
        start_date=date(2023, 10, 18),
        end_date=date(2023, 10, 19),
        organised_by="Cluster e-Madina",
        call_opens_local=datetime(2023, 6, 1, 9, 0),
        call_closes_local=datetime(2023, 9, 15, 18, 0),
        published_at=utc(2023, 5, 22, 9),
        programme_published_at=utc(2023, 10, 2, 9),
    )


def tracks_and_criteria(
    loader: Loader, edition: Edition
) -> tuple[list[Track], list[ReviewCriterion]]:
    tracks = []
    for position, (name, colour) in enumerate(CASABLANCA_TRACKS):
        track, _ = loader.get_or_create(
            Track,
            edition_id=edition.id,
            name=name,
            defaults={"colour": colour, "position": position},
        )
        tracks.append(track)
    criteria = []
    for position, (name, description, weight) in enumerate(REVIEW_CRITERIA):
        criterion, _ = loader.get_or_create(
            ReviewCriterion,
            edition_id=edition.id,
            name=name,
            defaults={"description": description, "weight": weight, "position": position},
        )
        criteria.append(criterion)
    return tracks, criteria


def roles(loader: Loader, edition: Edition) -> None:
    """The reviewer and the organiser of the edition."""
    organiser = loader.users["organiser@demo.agora"]
    reviewer = loader.users["reviewer@demo.agora"]
    loader.get_or_create(
        EditionRole, user_id=reviewer.id, edition_id=edition.id, role=EditionRoleKind.REVIEWER
    )
    loader.get_or_create(
        EditionRole, user_id=organiser.id, edition_id=edition.id, role=EditionRoleKind.ORGANISER
    )


def registration(loader: Loader, edition: Edition, chosen_sessions) -> None:
    """The attendee's registration and personal agenda."""
    attendee = loader.users["attendee@demo.agora"]
    loader.get_or_create(Registration, user_id=attendee.id, edition_id=edition.id)
    for chosen in chosen_sessions:
        loader.get_or_create(AgendaEntry, user_id=attendee.id, session_id=chosen.id)


def sponsorship(loader: Loader, edition: Edition) -> None:
    """Dar Mobility's sponsorship, still in negotiation (private)."""
    organiser = loader.users["organiser@demo.agora"]
    loader.agreement(
        "Convention de sponsoring Dar Mobility — Casablanca Smart City 2023",
        history=[
            (utc(2023, 7, 3, 10), A.DRAFT, ""),
            (utc(2023, 7, 20, 10), A.NEGOTIATION, "Contre-proposition sur le stand."),
        ],
        parties=[
            ("Cluster e-Madina", "Organisateur", "Nadia El Idrissi", "Directrice générale", None),
            ("Dar Mobility", "Sponsor", "Salma Berrada", "Cofondatrice", None),
        ],
        kind=AgreementKind.SPONSORSHIP,
        sponsorship_tier="Silver",
        summary="Un stand d'angle et une prise de parole contre un soutien financier.",
        edition_id=edition.id,
        timezone="Africa/Casablanca",
        is_public=False,
        owner_id=organiser.id,
    )
