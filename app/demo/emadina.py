"""The e-Madina cluster's performance contract 2015–2020 and its numbered targets."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.demo.loader import Loader, utc
from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
)

A = AgreementStatus


TARGETS = (
    (
        "Projets smart accompagnés",
        50,
        date(2017, 12, 31),
        "projets",
        [
            (date(2015, 12, 31), "12", ""),
            (date(2016, 12, 31), "31", ""),
            (date(2017, 12, 31), "52", "Objectif atteint."),
        ],
    ),
    (
        "Projets de R&D collaboratifs",
        80,
        date(2017, 12, 31),
        "projets",
        [
            (date(2015, 12, 31), "18", ""),
            (date(2016, 12, 31), "41", ""),
            (date(2017, 12, 31), "63", "En retard : plusieurs financements décalés."),
            (date(2018, 6, 30), "80", "Objectif atteint avec six mois de retard."),
        ],
    ),
    (
        "Startups coachées — incubation",
        150,
        date(2020, 12, 31),
        "startups",
        [
            (date(2018, 12, 31), "45", ""),
            (date(2019, 12, 31), "98", ""),
            (date(2020, 12, 31), "152", "Objectif atteint."),
        ],
    ),
    (
        "Startups coachées — accélération",
        240,
        date(2020, 12, 31),
        "startups",
        [
            (date(2018, 12, 31), "60", ""),
            (date(2019, 12, 31), "131", ""),
            (date(2020, 12, 31), "197", "En retard : programme suspendu au printemps 2020."),
        ],
    ),
    (
        "Startups coachées — ouverture à l'international",
        100,
        date(2020, 12, 31),
        "startups",
        [
            (date(2019, 12, 31), "35", ""),
            (date(2020, 12, 31), "71", "En retard : missions à l'étranger annulées."),
            (date(2021, 6, 30), "100", "Objectif atteint avec six mois de retard."),
        ],
    ),
)


def load(loader: Loader) -> None:
    """Load the cluster's performance contract and its commitments, late ones among them."""
    programme = _programme(loader)
    cluster_party = db.session.scalar(
        select(AgreementParty).filter_by(
            agreement_id=programme.id, organisation_id=loader.orgs["Cluster e-Madina"].id
        )
    )
    for title, target, due, unit, progress in TARGETS:
        loader.commitment(
            programme,
            title,
            progress,
            party_id=cluster_party.id,
            owner="Cluster e-Madina",
            start_date=date(2015, 1, 15),
            due_date=due,
            target_value=Decimal(target),
            unit=unit,
        )


def _programme(loader: Loader) -> Agreement:
    return loader.agreement(
        "Programme e-Madina : contrat de performance du cluster 2015–2020",
        history=[
            (utc(2014, 9, 1, 9), A.DRAFT, ""),
            (utc(2014, 11, 3, 9), A.NEGOTIATION, "Objectifs chiffrés discutés avec l'État."),
            (utc(2015, 1, 12, 11), A.SIGNED, ""),
            (utc(2015, 1, 15, 8), A.ACTIVE, ""),
            (utc(2021, 1, 1, 0), A.EXPIRED, "Fin du programme ; bilan publié en 2021."),
        ],
        parties=[
            (
                "Cluster e-Madina",
                "Porteur du cluster",
                "Rachid Benkirane",
                "Président",
                date(2015, 1, 12),
            ),
            (
                "Ministère de l'Industrie, du Commerce, de l'Investissement et de l'Économie "
                "numérique",
                "Financeur",
                "",
                "Le Ministre ou son représentant",
                date(2015, 1, 12),
            ),
            (
                "Commune de Casablanca",
                "Collectivité partenaire",
                "",
                "Le Président du Conseil",
                date(2015, 1, 12),
            ),
        ],
        kind=AgreementKind.PPP,
        summary=(
            "Le cluster e-Madina s'engage sur des objectifs chiffrés : projets smart, projets "
            "de R&D et startups accompagnées, suivis chaque année."
        ),
        timezone="Africa/Casablanca",
        effective_date=date(2015, 1, 15),
        expiry_date=date(2020, 12, 31),
        is_public=True,
        owner_id=loader.users["organiser@demo.agora"].id,
    )
