"""The Tunisian Smart Cities caravan 2020: fourteen stops and seven ministries."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from app.demo.accounts import OK, ORGANISATIONS
from app.demo.loader import Loader, utc
from app.models import (
    AgreementKind,
    AgreementStatus,
    Edition,
    EditionFormat,
    SessionKind,
    SpeakerRole,
    StakeholderCategory,
)

CARAVAN_SLUG = "tunisian-smart-cities-caravan-2020"

C = StakeholderCategory
A = AgreementStatus

CARAVAN_MINISTRIES = tuple(
    name for name, kind, country, _ in ORGANISATIONS if kind is OK.MINISTRY and country == "TN"
)

CARAVAN_STOPS = (
    "Sbeitla",
    "Kasserine",
    "Sidi Bouzid",
    "Gafsa",
    "Tozeur",
    "Kébili",
    "Douz",
    "Médenine",
    "Djerba",
    "Zarzis",
    "Tataouine",
    "Gabès",
    "El Hamma",
    "Kerkennah",
)


def load(loader: Loader) -> None:
    """Load the caravan of 2020: its stops, workshops and the ministries' partnership."""
    edition = _edition(loader)
    _stops_and_workshops(loader, edition)
    _partnership(loader, edition)


def _edition(loader: Loader) -> Edition:
    series = loader.series(
        "tunisian-smart-cities-caravan",
        "Tunisian Smart Cities — la caravane",
        "Une semaine sur les routes de Tunisie, de municipalité en municipalité.",
        "Association Tunisian Smart Cities",
    )
    return loader.edition(
        series,
        CARAVAN_SLUG,
        number=2,
        year=2020,
        title="Caravane Tunisian Smart Cities 2020 (2e édition)",
        theme="Des projets municipaux éligibles au partenariat public-privé",
        description=(
            "Une semaine, quatorze étapes : la caravane rencontre les municipalités du "
            "Centre et du Sud et en rapporte un catalogue de projets municipaux éligibles "
            "au PPP."
        ),
        format=EditionFormat.CARAVAN,
        timezone="Africa/Tunis",
        start_date=date(2020, 6, 21),
        end_date=date(2020, 6, 27),
        patronage="Avec le partenariat de sept ministères",
        organised_by="Association Tunisian Smart Cities",
        published_at=utc(2020, 5, 20, 9),
        programme_published_at=utc(2020, 6, 5, 9),
    )


def _stops_and_workshops(loader: Loader, edition: Edition) -> None:
    stops = {}
    for position, town in enumerate(CARAVAN_STOPS, start=1):
        day = date(2020, 6, 21) + timedelta(days=(position - 1) // 2)
        stops[town] = loader.venue(
            edition,
            f"Municipalité de {town}",
            town,
            address="Hôtel de ville",
            start_date=day,
            end_date=day,
            position=position,
        )
    host = loader.speaker(
        "Karim Belhadj", "Coordinateur", "Association Tunisian Smart Cities", C.ASSOCIATION
    )
    for town, hour, title in (
        ("Sbeitla", 9, "Départ de la caravane : les projets PPP des municipalités du Centre"),
        ("Tozeur", 9, "Atelier : tourisme intelligent dans les oasis"),
        ("Djerba", 9, "Atelier : gestion des déchets des villes insulaires"),
        ("Kerkennah", 14, "Arrivée : remise du catalogue des projets éligibles au PPP"),
    ):
        venue = stops[town]
        day = venue.start_date
        loader.session(
            edition,
            title,
            SessionKind.WORKSHOP,
            datetime(day.year, day.month, day.day, hour),
            datetime(day.year, day.month, day.day, hour + 3),
            venue=venue,
            speakers=[(host, SpeakerRole.MODERATOR)],
        )


def _partnership(loader: Loader, edition: Edition) -> None:
    partnership = loader.agreement(
        "Partenariat des sept ministères — caravane Tunisian Smart Cities 2020",
        history=[
            (utc(2020, 3, 2, 9), A.DRAFT, ""),
            (utc(2020, 4, 14, 9), A.NEGOTIATION, "Réunion interministérielle."),
            (utc(2020, 5, 28, 10), A.SIGNED, "Signé par les sept ministères."),
            (utc(2020, 6, 21, 7), A.ACTIVE, "Départ de la caravane."),
        ],
        parties=[
            (
                "Association Tunisian Smart Cities",
                "Organisateur",
                "Karim Belhadj",
                "Coordinateur",
                date(2020, 5, 28),
            )
        ]
        + [
            (name, "Ministère partenaire", "", "Le Ministre ou son représentant", date(2020, 5, 28))
            for name in CARAVAN_MINISTRIES
        ],
        kind=AgreementKind.PATRONAGE,
        summary=(
            "Sept ministères accompagnent la caravane et s'engagent à étudier les projets "
            "municipaux éligibles au PPP qu'elle recense."
        ),
        edition_id=edition.id,
        timezone="Africa/Tunis",
        effective_date=date(2020, 6, 1),
        is_public=True,
        owner_id=loader.users["organiser@demo.agora"].id,
    )
    loader.commitment(
        partnership,
        "Projets municipaux éligibles au PPP recensés dans le catalogue",
        [
            (date(2020, 6, 27), "23", "Fin de la caravane : fiches à compléter."),
            (date(2020, 9, 30), "41", "Catalogue publié."),
        ],
        owner="Association Tunisian Smart Cities",
        start_date=date(2020, 6, 21),
        due_date=date(2020, 9, 30),
        target_value=Decimal(40),
        unit="projets",
    )
