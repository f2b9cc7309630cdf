"""Bizerte Smart City 2017: the conference, its convention and the Thinklab Bizerte 2050."""

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from app.demo.loader import Loader, utc
from app.models import (
    AgreementKind,
    AgreementStatus,
    CompositionRule,
    ConferenceSession,
    Contribution,
    Edition,
    EditionFormat,
    MeetingChange,
    MeetingMode,
    MemberRole,
    RoadmapItem,
    RoadmapStatus,
    SessionKind,
    SessionStatus,
    Speaker,
    SpeakerRole,
    StakeholderCategory,
    Thinklab,
)

BIZERTE_SLUG = "bizerte-smart-city-2017"
THINKLAB_SLUG = "bizerte-2050"
# A tentative Bizerte workshop whose speaker is also on stage elsewhere at the same time.
PLANTED_CONFLICT_TITLE = "Atelier : stationnement intelligent, le retour d'expérience de ParkiBiz"

C = StakeholderCategory
A = AgreementStatus
K = SessionKind
R = SpeakerRole


def load(loader: Loader) -> Edition:
    """Load the conference of 2017: its rooms, speakers, sessions and the convention."""
    edition = _edition(loader)
    venue = loader.venue(
        edition,
        "Hôtel Bizerta Resort",
        "Bizerte",
        address="Route de la Corniche, 7000 Bizerte",
        start_date=date(2017, 10, 27),
        end_date=date(2017, 10, 28),
        position=1,
    )
    plenary = loader.room(venue, "Salle Carthage", 350)
    workshop_room = loader.room(venue, "Salle Utique", 80)
    speakers = _speakers(loader)
    signing = _first_day(loader, edition, (plenary, workshop_room), speakers)
    _second_day(loader, edition, (plenary, workshop_room), speakers)
    _convention(loader, edition, signing)
    return edition


def _edition(loader: Loader) -> Edition:
    series = loader.series(
        "bizerte-smart-city",
        "Bizerte Smart City",
        "Conférence internationale sur la ville intelligente à Bizerte.",
        "Association Bizerte Smart City",
    )
    return loader.edition(
        series,
        BIZERTE_SLUG,
        number=1,
        year=2017,
        title="Bizerte Smart City 2017",
        theme="Bizerte, ville intelligente et durable de la Méditerranée",
        description=(
            "Deux jours de conférences internationales pour lancer la démarche smart city de "
            "Bizerte : un thinklab de dix acteurs, un plan d'action à 10 ans et une feuille "
            "de route à 30 ans."
        ),
        format=EditionFormat.CONFERENCE,
        timezone="Africa/Tunis",
        start_date=date(2017, 10, 27),
        end_date=date(2017, 10, 28),
        patronage="Sous le haut patronage du Chef du Gouvernement",
        organised_by="Association Bizerte Smart City",
        published_at=utc(2017, 7, 3, 9),
        programme_published_at=utc(2017, 9, 15, 9),
    )


class Speakers(NamedTuple):
    mayor: Speaker
    envoy: Speaker
    grenoble: Speaker
    enib: Speaker
    startup: Speaker
    researcher: Speaker
    host: Speaker


def _speakers(loader: Loader) -> Speakers:
    return Speakers(
        mayor=loader.speaker(
            "Sami Ben Ammar", "Président de la délégation spéciale", "Commune de Bizerte", C.CITY
        ),
        envoy=loader.speaker(
            "Mohamed Ali Chebbi",
            "Représentant du Chef du Gouvernement",
            None,
            C.PUBLIC_INSTITUTION,
        ),
        grenoble=loader.speaker(
            "Claire Dubois",
            "Directrice des relations internationales",
            "Grenoble INP",
            C.UNIVERSITY,
        ),
        enib=loader.speaker(
            "Anis Trabelsi",
            "Directeur",
            "École nationale d'ingénieurs de Bizerte (ENIB)",
            C.UNIVERSITY,
        ),
        startup=loader.speaker("Rim Gharbi", "Fondatrice", "ParkiBiz", C.STARTUP),
        researcher=loader.speaker(
            "Hatem Jlassi",
            "Directeur de recherche",
            "Centre de Recherche en Numérique de Sfax",
            C.RESEARCH_LAB,
        ),
        host=loader.speaker(
            "Olfa Mansouri", "Présidente", "Association Bizerte Smart City", C.ASSOCIATION
        ),
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


DAY1, DAY2 = date(2017, 10, 27), date(2017, 10, 28)


def _first_day(loader: Loader, edition: Edition, rooms, speakers: Speakers) -> ConferenceSession:
    """The sessions of 27 October 2017; return the signing ceremony."""
    plenary, workshop_room = rooms
    mayor, envoy, grenoble, enib, startup, researcher, host = speakers
    loader.session(
        edition,
        "Séance d'ouverture sous le haut patronage du Chef du Gouvernement",
        K.KEYNOTE,
        _at(DAY1, 9),
        _at(DAY1, 9, 45),
        room=plenary,
        speakers=[(envoy, R.SPEAKER), (mayor, R.SPEAKER), (host, R.SPEAKER)],
    )
    loader.session(
        edition,
        "La smart city méditerranéenne : quels enjeux pour Bizerte ?",
        K.KEYNOTE,
        _at(DAY1, 9, 45),
        _at(DAY1, 10, 30),
        room=plenary,
        speakers=[(researcher, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Quelle gouvernance pour une ville intelligente ?",
        K.PANEL,
        _at(DAY1, 11),
        _at(DAY1, 12, 30),
        room=plenary,
        speakers=[
            (host, R.MODERATOR),
            (mayor, R.PANELLIST),
            (startup, R.PANELLIST),
            (enib, R.PANELLIST),
        ],
    )
    loader.session(
        edition,
        "Lancement du Thinklab Bizerte 2050",
        K.THINKLAB_MEETING,
        _at(DAY1, 14),
        _at(DAY1, 15, 30),
        room=workshop_room,
        abstract="Réunion constitutive : composition, méthode et calendrier du thinklab.",
        speakers=[(host, R.MODERATOR), (mayor, R.SPEAKER)],
    )
    signing = loader.session(
        edition,
        "Cérémonie de signature de la convention Grenoble INP – ENIB",
        K.SIGNING_CEREMONY,
        _at(DAY1, 16),
        _at(DAY1, 16, 45),
        room=plenary,
        speakers=[(grenoble, R.SPEAKER), (enib, R.SPEAKER)],
    )
    return signing


def _second_day(loader: Loader, edition: Edition, rooms, speakers: Speakers) -> None:
    """The sessions of 28 October 2017, with a planted speaker conflict."""
    plenary, workshop_room = rooms
    mayor, _envoy, _grenoble, _enib, startup, researcher, host = speakers
    loader.session(
        edition,
        "Atelier : mobilité urbaine et port intelligent",
        K.WORKSHOP,
        _at(DAY2, 9, 30),
        _at(DAY2, 11),
        room=workshop_room,
        speakers=[(researcher, R.MODERATOR), (startup, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Les startups tunisiennes de la ville intelligente",
        K.TALK,
        _at(DAY2, 11, 30),
        _at(DAY2, 12, 30),
        room=plenary,
        speakers=[(startup, R.SPEAKER)],
    )
    # A planted conflict for organisers to find on the conflicts page and resolve: Rim
    # Gharbi is booked here and in the plenary talk above at the same time.
    loader.session(
        edition,
        PLANTED_CONFLICT_TITLE,
        K.WORKSHOP,
        _at(DAY2, 11, 30),
        _at(DAY2, 12, 30),
        room=workshop_room,
        status=SessionStatus.TENTATIVE,
        abstract="Retour d'expérience de ParkiBiz : capteurs, paiement mobile et données.",
        speakers=[(startup, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Clôture : feuille de route et prochaines étapes",
        K.KEYNOTE,
        _at(DAY2, 12, 30),
        _at(DAY2, 13),
        room=plenary,
        speakers=[(host, R.SPEAKER), (mayor, R.SPEAKER)],
    )


def _convention(loader: Loader, edition: Edition, signing: ConferenceSession) -> None:
    """The Grenoble INP – ENIB convention, signed on stage, with its mobility target."""
    convention = loader.agreement(
        "Convention de coopération Grenoble INP – ENIB",
        history=[
            (utc(2017, 6, 12, 9), A.DRAFT, "Projet de convention rédigé par les deux écoles."),
            (utc(2017, 7, 4, 14), A.NEGOTIATION, "Échanges sur les doubles diplômes."),
            (
                utc(2017, 10, 27, 15, 30),
                A.SIGNED,
                "Signée pendant Bizerte Smart City 2017, en séance plénière.",
            ),
            (utc(2017, 11, 1, 8), A.ACTIVE, "Entrée en vigueur."),
        ],
        parties=[
            (
                "Grenoble INP",
                "École partenaire",
                "Pierre Lambert",
                "Administrateur général",
                date(2017, 10, 27),
            ),
            (
                "École nationale d'ingénieurs de Bizerte (ENIB)",
                "École partenaire",
                "Anis Trabelsi",
                "Directeur",
                date(2017, 10, 27),
            ),
        ],
        kind=AgreementKind.CONVENTION,
        summary=(
            "Mobilité des étudiants et des enseignants, doubles diplômes d'ingénieur et "
            "recherche commune sur la ville intelligente."
        ),
        edition_id=edition.id,
        signing_session_id=signing.id,
        timezone="Africa/Tunis",
        effective_date=date(2017, 11, 1),
        expiry_date=date(2027, 10, 31),
        is_public=True,
        owner_id=loader.users["organiser@demo.agora"].id,
    )
    loader.commitment(
        convention,
        "Étudiants de l'ENIB accueillis en mobilité à Grenoble INP",
        [
            (date(2018, 9, 30), "4", "Première promotion en double diplôme."),
            (date(2019, 9, 30), "9", ""),
            (date(2021, 9, 30), "14", "Mobilités suspendues en 2020."),
        ],
        owner="Grenoble INP",
        start_date=date(2017, 11, 1),
        due_date=date(2021, 6, 30),
        target_value=Decimal(20),
        unit="étudiants",
    )


# The Thinklab Bizerte 2050 -----------------------------------------------------------------

MEMBERS = (
    ("Sami Ben Ammar", "Commune de Bizerte", C.CITY, MemberRole.CHAIR),
    ("Najet Khelifi", "Gouvernorat de Bizerte", C.PUBLIC_INSTITUTION, MemberRole.MEMBER),
    ("Walid Sassi", "STEG — District de Bizerte", C.PUBLIC_INSTITUTION, MemberRole.MEMBER),
    ("Mehdi Zouari", "Medinfra Ingénierie", C.PRIVATE_COMPANY, MemberRole.MEMBER),
    ("Ines Bouzid", "Nordelec Systèmes", C.PRIVATE_COMPANY, MemberRole.MEMBER),
    ("Rim Gharbi", "ParkiBiz", C.STARTUP, MemberRole.MEMBER),
    ("Youssef Hamdi", "GreenWave Tunisia", C.STARTUP, MemberRole.MEMBER),
    ("Hatem Jlassi", "Centre de Recherche en Numérique de Sfax", C.RESEARCH_LAB, None),
    ("Anis Trabelsi", "École nationale d'ingénieurs de Bizerte (ENIB)", C.UNIVERSITY, None),
    ("Amel Ferchichi", "Université de Carthage", C.UNIVERSITY, MemberRole.MEMBER),
)

COMPOSITION = (
    (C.PUBLIC_INSTITUTION, 2),
    (C.PRIVATE_COMPANY, 2),
    (C.STARTUP, 2),
    (C.RESEARCH_LAB, 1),
    (C.UNIVERSITY, 2),
)

MEETING_CHANGES = (
    (datetime(2020, 3, 10, 14), True, None, "Annulée : confinement sanitaire."),
    (
        datetime(2026, 12, 8, 14),
        False,
        (datetime(2026, 12, 15, 15), datetime(2026, 12, 15, 17)),
        "Déplacée d'une semaine : le conseil municipal siège le 8 décembre.",
    ),
    (
        datetime(2027, 3, 9, 14),
        True,
        None,
        "Remplacée par l'atelier public de révision du plan d'action 2027.",
    ),
)

ROADMAP = (
    (2027, "Stationnement intelligent au centre-ville", "Commune de Bizerte", "done", 100),
    (2027, "Éclairage public LED télégéré sur les grands axes", "STEG", "in_progress", 70),
    (2027, "Observatoire des données urbaines hébergé par l'ENIB", "ENIB", "in_progress", 45),
    (2027, "Guichet municipal numérique", "Commune de Bizerte", "planned", 10),
    (2047, "Port de Bizerte neutre en carbone", "Gouvernorat de Bizerte", "planned", 0),
    (
        2047,
        "Réseau multimodal Bizerte – Menzel Bourguiba",
        "Ministère du Transport",
        "planned",
        0,
    ),
    (2050, "Bizerte, ville méditerranéenne résiliente au climat", "Thinklab", "planned", 0),
)

CONTRIBUTIONS = (
    (
        utc(2017, 10, 30, 9),
        "<p>Compte rendu de la réunion de lancement : <strong>quatre chantiers</strong> "
        "retenus — mobilité, énergie, port et services numériques.</p>",
        None,
    ),
    (
        utc(2018, 3, 20, 16),
        "<p>Note de cadrage du <em>plan d'action à 10 ans</em>, version 2 :</p>"
        "<ul><li>mobilité et stationnement</li><li>efficacité énergétique</li>"
        "<li>données urbaines ouvertes</li></ul>",
        None,
    ),
    (
        utc(2024, 6, 20, 10),
        "<p>Proposition : ouvrir les données de l'observatoire sous licence ouverte et "
        "les publier sur le portail national.</p>",
        "https://www.data.gov.tn/",
    ),
)


def load_thinklab(loader: Loader, edition: Edition) -> None:
    """Load the Thinklab Bizerte 2050: members, rules, meeting changes, roadmap, posts."""
    thinklab = loader.thinklab(
        THINKLAB_SLUG,
        name="Thinklab Bizerte 2050",
        description=(
            "Dix acteurs de Bizerte — institutions publiques, entreprises, startups, "
            "laboratoires et universités — construisent un plan d'action à 10 ans (2027) et "
            "une feuille de route à 30 ans (2047–2050)."
        ),
        edition_id=edition.id,
        timezone="Africa/Tunis",
        first_meeting_local=datetime(2017, 12, 12, 14, 0),
        meeting_minutes=120,
        rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
        meeting_mode=MeetingMode.HYBRID,
        location="ENIB, salle du conseil, Bizerte",
        online_url="https://visio.example.org/bizerte-2050",
    )
    for name, org_name, category, role in MEMBERS:
        loader.member(thinklab, name, org_name, category, role=role or MemberRole.MEMBER)
    loader.member(
        thinklab,
        "Nadia El Idrissi",
        "Association Bizerte Smart City",
        C.ASSOCIATION,
        user_id=loader.users["organiser@demo.agora"].id,
        wants_digest=True,
    )
    _rules_and_changes(loader, thinklab)
    _roadmap(loader, thinklab)
    _contributions(loader, thinklab)


def _rules_and_changes(loader: Loader, thinklab: Thinklab) -> None:
    for category, minimum in COMPOSITION:
        loader.get_or_create(
            CompositionRule,
            thinklab_id=thinklab.id,
            category=category,
            defaults={"minimum": minimum},
        )
    for original, cancelled, moved, note in MEETING_CHANGES:
        loader.get_or_create(
            MeetingChange,
            thinklab_id=thinklab.id,
            original_local=original,
            defaults={
                "timezone": thinklab.timezone,
                "is_cancelled": cancelled,
                "starts_local": moved[0] if moved else None,
                "ends_local": moved[1] if moved else None,
                "note": note,
                "sequence": 1,
            },
        )


def _roadmap(loader: Loader, thinklab: Thinklab) -> None:
    for position, (horizon, title, owner, status, progress) in enumerate(ROADMAP):
        loader.get_or_create(
            RoadmapItem,
            thinklab_id=thinklab.id,
            title=title,
            defaults={
                "horizon_year": horizon,
                "owner": owner,
                "status": RoadmapStatus(status),
                "progress": progress,
                "position": position,
            },
        )


def _contributions(loader: Loader, thinklab: Thinklab) -> None:
    for when, body, link in CONTRIBUTIONS:
        loader.get_or_create(
            Contribution,
            thinklab_id=thinklab.id,
            body_html=body,
            defaults={
                "author_id": loader.users["organiser@demo.agora"].id,
                "link_url": link,
                "created_at": when,
                "updated_at": when,
            },
        )
