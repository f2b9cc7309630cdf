"""The twinning of Issy-les-Moulineaux and Leshan: six working groups across two zones."""

from datetime import date, datetime

from app.demo.loader import Loader, utc
from app.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    MeetingMode,
    MemberRole,
    StakeholderCategory,
)

C = StakeholderCategory
A = AgreementStatus

GROUPS = (
    # slug, name, zone, first meeting, rrule, mode
    ("urbanisme", "Urbanisme", "Europe/Paris", (2024, 1, 9, 9), "FREQ=WEEKLY;BYDAY=TU"),
    ("transport", "Transport", "Europe/Paris", (2024, 1, 11, 9), "FREQ=WEEKLY;BYDAY=TH"),
    ("education", "Éducation", "Asia/Shanghai", (2024, 1, 10, 16), "FREQ=WEEKLY;BYDAY=WE"),
    ("logement", "Logement", "Asia/Shanghai", (2024, 1, 12, 16), "FREQ=WEEKLY;BYDAY=FR"),
    ("tourisme", "Tourisme", "Asia/Shanghai", (2024, 1, 8, 16), "FREQ=WEEKLY;BYDAY=MO"),
)


def load(loader: Loader) -> None:
    """Load the twinning agreement and its six working groups (thinklabs)."""
    twinning = _twinning(loader)
    _working_groups(loader, twinning)


def _twinning(loader: Loader) -> Agreement:
    return loader.agreement(
        "Jumelage Issy-les-Moulineaux – Leshan",
        history=[
            (utc(2018, 2, 1, 9), A.DRAFT, ""),
            (utc(2018, 5, 15, 9), A.NEGOTIATION, "Mission de la délégation de Leshan à Issy."),
            (utc(2018, 10, 16, 8), A.SIGNED, "Signé à Leshan."),
            (utc(2019, 1, 1, 0), A.ACTIVE, ""),
        ],
        parties=[
            (
                "Ville d'Issy-les-Moulineaux",
                "Ville jumelle",
                "Marc Lefèvre",
                "Maire adjoint",
                date(2018, 10, 16),
            ),
            (
                "Municipalité de Leshan",
                "Ville jumelle",
                "Wang Lin",
                "Vice-maire",
                date(2018, 10, 16),
            ),
        ],
        kind=AgreementKind.TWINNING,
        summary=(
            "Coopération entre une ville française et une ville chinoise : six groupes de "
            "travail, des visioconférences chaque semaine et une rencontre en présentiel "
            "tous les trois mois."
        ),
        timezone="Europe/Paris",
        effective_date=date(2019, 1, 1),
        is_public=True,
        owner_id=loader.users["organiser@demo.agora"].id,
    )


def _working_groups(loader: Loader, twinning: Agreement) -> None:
    """Five weekly online groups, and the one meeting in person every three months."""
    for slug, name, zone, first, rule in GROUPS:
        thinklab = loader.thinklab(
            f"issy-leshan-{slug}",
            name=f"Issy – Leshan : {name}",
            description=f"Groupe de travail « {name} » du jumelage ; visioconférence hebdomadaire.",
            agreement_id=twinning.id,
            timezone=zone,
            first_meeting_local=datetime(*first),
            meeting_minutes=60,
            rrule=rule,
            meeting_mode=MeetingMode.ONLINE,
            online_url=f"https://visio.example.org/issy-leshan-{slug}",
        )
        loader.member(thinklab, f"Référent {name} (Issy)", "Ville d'Issy-les-Moulineaux", C.CITY)
        loader.member(thinklab, f"Référent {name} (Leshan)", "Municipalité de Leshan", C.CITY)
    steering = loader.thinklab(
        "issy-leshan-gestion-urbaine",
        name="Issy – Leshan : gestion de la ville",
        description=(
            "Groupe de travail « gestion de la ville », qui réunit aussi les cinq autres : "
            "rencontre en présentiel tous les trois mois, alternativement à "
            "Issy-les-Moulineaux et à Leshan."
        ),
        agreement_id=twinning.id,
        timezone="Europe/Paris",
        first_meeting_local=datetime(2024, 3, 6, 10),
        meeting_minutes=360,
        rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE",
        meeting_mode=MeetingMode.IN_PERSON,
        location="Alternativement à Issy-les-Moulineaux et à Leshan",
    )
    loader.member(
        steering,
        "Marc Lefèvre",
        "Ville d'Issy-les-Moulineaux",
        C.CITY,
        role=MemberRole.CHAIR,
    )
    loader.member(steering, "Wang Lin", "Municipalité de Leshan", C.CITY, role=MemberRole.CHAIR)
