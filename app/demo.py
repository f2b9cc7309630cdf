"""Demo data: the five real cases of DESIGN.md, loaded idempotently by ``flask demo``.

Every object is looked up by a natural key (slug, email, organisation name, or its
parent and title) and created only when missing, so a second run changes nothing.
History rows (transitions, progress, reviews) are written with the object that owns
them. The people are fictitious; the places, institutions and numbers follow the cases.
"""

import logging
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.auth.passwords import hash_password
from app.demo_upcoming import load_upcoming
from app.extensions import db
from app.models import (
    AgendaEntry,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementTransition,
    Commitment,
    CommitmentProgress,
    CompositionRule,
    ConferenceSession,
    Contribution,
    Edition,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    InvitationStatus,
    MeetingChange,
    MeetingMode,
    MemberRole,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Registration,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    RoadmapItem,
    RoadmapStatus,
    Room,
    Series,
    SessionKind,
    SessionShowcase,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    ShowcaseKind,
    ShowcaseStatus,
    ShowcaseTransition,
    Speaker,
    SpeakerRole,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    Track,
    User,
    Venue,
)
from app.models.scheduling import LocalTimesMixin

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "agora-demo-2026"
BIZERTE_SLUG = "bizerte-smart-city-2017"
CARAVAN_SLUG = "tunisian-smart-cities-caravan-2020"
CASABLANCA_SLUG = "casablanca-smart-city-2023"
EDITION_SLUGS = (BIZERTE_SLUG, CARAVAN_SLUG, CASABLANCA_SLUG)
THINKLAB_SLUG = "bizerte-2050"
# A tentative Bizerte workshop whose speaker is also on stage elsewhere at the same time.
PLANTED_CONFLICT_TITLE = "Atelier : stationnement intelligent, le retour d'expérience de ParkiBiz"

OK = OrganisationKind
C = StakeholderCategory
S = ShowcaseStatus
A = AgreementStatus

ORGANISATIONS = (
    # name, kind, country, city
    ("Association Bizerte Smart City", OK.ASSOCIATION, "TN", "Bizerte"),
    ("Commune de Bizerte", OK.CITY, "TN", "Bizerte"),
    ("Gouvernorat de Bizerte", OK.PUBLIC_INSTITUTION, "TN", "Bizerte"),
    ("STEG — District de Bizerte", OK.PUBLIC_INSTITUTION, "TN", "Bizerte"),
    ("Medinfra Ingénierie", OK.COMPANY, "TN", "Tunis"),
    ("Nordelec Systèmes", OK.COMPANY, "TN", "Bizerte"),
    ("ParkiBiz", OK.STARTUP, "TN", "Bizerte"),
    ("GreenWave Tunisia", OK.STARTUP, "TN", "Tunis"),
    ("Centre de Recherche en Numérique de Sfax", OK.RESEARCH_LAB, "TN", "Sfax"),
    ("École nationale d'ingénieurs de Bizerte (ENIB)", OK.UNIVERSITY, "TN", "Bizerte"),
    ("Université de Carthage", OK.UNIVERSITY, "TN", "Tunis"),
    ("Grenoble INP", OK.UNIVERSITY, "FR", "Grenoble"),
    ("Association Tunisian Smart Cities", OK.ASSOCIATION, "TN", "Tunis"),
    ("Ministère des Affaires locales et de l'Environnement", OK.MINISTRY, "TN", "Tunis"),
    (
        "Ministère du Développement, de l'Investissement et de la Coopération internationale",
        OK.MINISTRY,
        "TN",
        "Tunis",
    ),
    (
        "Ministère des Technologies de la communication et de la Transformation digitale",
        OK.MINISTRY,
        "TN",
        "Tunis",
    ),
    (
        "Ministère de l'Équipement, de l'Habitat et de l'Aménagement du territoire",
        OK.MINISTRY,
        "TN",
        "Tunis",
    ),
    ("Ministère de l'Industrie et des PME", OK.MINISTRY, "TN", "Tunis"),
    ("Ministère du Tourisme", OK.MINISTRY, "TN", "Tunis"),
    ("Ministère du Transport", OK.MINISTRY, "TN", "Tunis"),
    ("Cluster e-Madina", OK.CLUSTER, "MA", "Casablanca"),
    ("Université Hassan II de Casablanca", OK.UNIVERSITY, "MA", "Casablanca"),
    ("Dar Mobility", OK.STARTUP, "MA", "Casablanca"),
    ("Qanat Water Tech", OK.STARTUP, "MA", "Rabat"),
    ("Atlas Smart Grid SA", OK.COMPANY, "MA", "Casablanca"),
    ("Maghreb Urban Data", OK.COMPANY, "MA", "Casablanca"),
    ("Fab Lab Derb Sultan", OK.INNOVATOR, "MA", "Casablanca"),
    ("Collectif Casa Civic Tech", OK.INNOVATOR, "MA", "Casablanca"),
    ("Commune de Casablanca", OK.CITY, "MA", "Casablanca"),
    ("Région Casablanca-Settat", OK.PUBLIC_INSTITUTION, "MA", "Casablanca"),
    ("Commune de Benslimane", OK.CITY, "MA", "Benslimane"),
    ("Commune de Chefchaouen", OK.CITY, "MA", "Chefchaouen"),
    (
        "Ministère de l'Industrie, du Commerce, de l'Investissement et de l'Économie numérique",
        OK.MINISTRY,
        "MA",
        "Rabat",
    ),
    ("Ville d'Issy-les-Moulineaux", OK.CITY, "FR", "Issy-les-Moulineaux"),
    ("Municipalité de Leshan", OK.CITY, "CN", "Leshan"),
)

CARAVAN_MINISTRIES = tuple(
    name for name, kind, country, _ in ORGANISATIONS if kind is OK.MINISTRY and country == "TN"
)

ACCOUNTS = (
    # email, display name, locale, organisation, admin, organiser
    ("admin@demo.agora", "Agora Admin", "en", None, True, False),
    ("organiser@demo.agora", "Nadia El Idrissi", "fr", "Cluster e-Madina", False, True),
    (
        "reviewer@demo.agora",
        "Leïla Amrani",
        "en",
        "Université Hassan II de Casablanca",
        False,
        False,
    ),
    ("startup@demo.agora", "Salma Berrada", "fr", "Dar Mobility", False, False),
    ("attendee@demo.agora", "Thomas Girard", "en", None, False, False),
)
DEMO_EMAILS = tuple(account[0] for account in ACCOUNTS)

# Delegates of the organisations whose Casablanca 2023 showcases are decided, so that each
# decision mail has someone to go to (the mails wait as drafts: the demo releases none).
DELEGATES = (
    # email, display name, locale, organisation
    ("commune.casablanca@demo.agora", "Youssef Tazi", "fr", "Commune de Casablanca"),
    ("region.casablanca@demo.agora", "Imane Chraibi", "fr", "Région Casablanca-Settat"),
    ("qanat@demo.agora", "Omar Benjelloun", "fr", "Qanat Water Tech"),
    ("atlas.grid@demo.agora", "Hind Alaoui", "en", "Atlas Smart Grid SA"),
    ("fablab.derb@demo.agora", "Karim Ouazzani", "fr", "Fab Lab Derb Sultan"),
    ("civictech.casa@demo.agora", "Sara Lahlou", "fr", "Collectif Casa Civic Tech"),
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

DECIDED = (S.ACCEPTED, S.WAITLISTED, S.REJECTED)

PATHS = {
    S.DRAFT: (S.DRAFT,),
    S.SUBMITTED: (S.DRAFT, S.SUBMITTED),
    S.UNDER_REVIEW: (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW),
    S.ACCEPTED: (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED),
    S.WAITLISTED: (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED),
    S.REJECTED: (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED),
    S.WITHDRAWN: (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.WITHDRAWN),
}

SHOWCASES = (
    # title, organisation, kind, track index, status, stand, by startup account, summary
    (
        "Casa Covoit' : le covoiturage domicile-travail à l'échelle métropolitaine",
        "Dar Mobility",
        ShowcaseKind.SYSTEM,
        3,
        S.ACCEPTED,
        "A01",
        True,
        "Une application qui met en relation les salariés des zones industrielles de "
        "Casablanca pour partager leurs trajets, avec un tableau de bord pour la Commune.",
    ),
    (
        "Budget participatif en ligne",
        "Commune de Casablanca",
        ShowcaseKind.POLICY,
        0,
        S.ACCEPTED,
        "C01",
        False,
        "Les habitants proposent et votent des projets de quartier financés par la Commune.",
    ),
    (
        "Guichet unique numérique de la Région",
        "Région Casablanca-Settat",
        ShowcaseKind.POLICY,
        0,
        S.ACCEPTED,
        "C02",
        False,
        "Toutes les démarches des investisseurs et des citoyens en un seul portail.",
    ),
    (
        "Compteurs d'eau intelligents pour les quartiers sous-équipés",
        "Qanat Water Tech",
        ShowcaseKind.PROJECT,
        4,
        S.ACCEPTED,
        "B02",
        False,
        "Des compteurs communicants à bas coût qui détectent les fuites en temps réel.",
    ),
    (
        "Éclairage public LED télégéré",
        "Atlas Smart Grid SA",
        ShowcaseKind.SYSTEM,
        2,
        S.ACCEPTED,
        "B01",
        False,
        "Un réseau d'éclairage piloté à distance qui réduit la consommation de 60 %.",
    ),
    (
        "Tiers-lieu numérique de Derb Sultan",
        "Fab Lab Derb Sultan",
        ShowcaseKind.PROGRAMME,
        1,
        S.WAITLISTED,
        None,
        False,
        "Formation au numérique et fabrication numérique pour les jeunes du quartier.",
    ),
    (
        "Jumeau numérique de la médina",
        "Commune de Chefchaouen",
        ShowcaseKind.PROJECT,
        0,
        S.UNDER_REVIEW,
        None,
        False,
        "Une maquette 3D vivante de la médina pour planifier travaux et flux touristiques.",
    ),
    (
        "Plateforme open data métropolitaine",
        "Maghreb Urban Data",
        ShowcaseKind.SYSTEM,
        3,
        S.UNDER_REVIEW,
        None,
        False,
        "Un catalogue de données ouvertes partagé par les communes de la métropole.",
    ),
    (
        "Capteurs citoyens de qualité de l'air",
        "Collectif Casa Civic Tech",
        ShowcaseKind.PROJECT,
        4,
        S.REJECTED,
        None,
        False,
        "Des capteurs à monter soi-même et une carte collaborative des particules fines.",
    ),
    (
        "Collecte intelligente des déchets ménagers",
        "Commune de Benslimane",
        ShowcaseKind.PROJECT,
        4,
        S.SUBMITTED,
        None,
        False,
        "Des bacs équipés de capteurs de remplissage et des tournées optimisées.",
    ),
    (
        "Signalement des incidents de voirie",
        "Dar Mobility",
        ShowcaseKind.SYSTEM,
        2,
        S.DRAFT,
        None,
        True,
        "Photographier un nid-de-poule, le géolocaliser et suivre sa réparation.",
    ),
    (
        "Bornes de recharge solaires pour la flotte municipale",
        "Atlas Smart Grid SA",
        ShowcaseKind.PROJECT,
        2,
        S.WITHDRAWN,
        None,
        False,
        "Des ombrières photovoltaïques qui rechargent les véhicules de service.",
    ),
)

REVIEW_VALUES = {
    # showcase title prefix: scores per criterion (relevance, maturity, impact, replicability)
    "Casa Covoit'": (5, 4, 4, 5),
    "Budget participatif": (5, 5, 4, 4),
    "Guichet unique": (4, 4, 4, 3),
    "Compteurs d'eau": (5, 3, 5, 4),
    "Éclairage public": (4, 5, 4, 4),
    "Tiers-lieu": (4, 3, 3, 3),
    "Capteurs citoyens": (3, 2, 2, 3),
    "Jumeau numérique": (4, 2, 4, 3),
}


def _utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class _Loader:
    """Looks objects up by natural key, creates the missing ones and counts them."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}

    def add(self, obj):
        db.session.add(obj)
        db.session.flush()
        self.created[type(obj).__name__] += 1
        return obj

    def get_or_create(self, model, defaults: dict | None = None, **lookup):
        """Return ``(object, created)`` for the row matching ``lookup``."""
        found = db.session.scalar(select(model).filter_by(**lookup).limit(1))
        if found is not None:
            return found, False
        obj = model(**lookup, **(defaults or {}))
        if isinstance(obj, LocalTimesMixin):
            obj.refresh_instants()
        return self.add(obj), True

    # -- people and organisations -------------------------------------------------

    def organisations(self) -> None:
        for name, kind, country, city in ORGANISATIONS:
            org, _ = self.get_or_create(
                Organisation, name=name, defaults={"kind": kind, "country": country, "city": city}
            )
            self.orgs[name] = org

    def accounts(self) -> None:
        for email, name, locale, org_name, is_admin, is_organiser in ACCOUNTS:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = self.add(
                    User(
                        email=email,
                        password_hash=hash_password(DEMO_PASSWORD),
                        display_name=name,
                        locale=locale,
                        organisation_id=self.orgs[org_name].id if org_name else None,
                        is_admin=is_admin,
                        is_organiser=is_organiser,
                        email_confirmed_at=_utc(2026, 1, 5, 9),
                    )
                )
            self.users[email] = user

    def speaker(self, name: str, title: str, org_name: str | None, category, bio: str = ""):
        speaker, _ = self.get_or_create(
            Speaker,
            name=name,
            defaults={
                "title": title,
                "organisation_id": self.orgs[org_name].id if org_name else None,
                "category": category,
                "bio": bio,
            },
        )
        return speaker

    # -- editions -------------------------------------------------------------------

    def series(self, slug: str, name: str, description: str, org_name: str) -> Series:
        series, _ = self.get_or_create(
            Series,
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "organisation_id": self.orgs[org_name].id,
            },
        )
        return series

    def edition(self, series: Series, slug: str, **fields) -> Edition:
        fields.setdefault("status", EditionStatus.PUBLISHED)
        edition, _ = self.get_or_create(
            Edition, slug=slug, defaults={"series_id": series.id, **fields}
        )
        return edition

    def venue(self, edition: Edition, name: str, town: str, **fields) -> Venue:
        venue, _ = self.get_or_create(
            Venue,
            edition_id=edition.id,
            name=name,
            start_date=fields.pop("start_date", None),
            defaults={"town": town, **fields},
        )
        return venue

    def room(self, venue: Venue, name: str, capacity: int) -> Room:
        room, _ = self.get_or_create(
            Room, venue_id=venue.id, name=name, defaults={"capacity": capacity}
        )
        return room

    def session(
        self,
        edition: Edition,
        title: str,
        kind: SessionKind,
        starts: datetime,
        ends: datetime,
        *,
        speakers=(),
        showcases=(),
        **fields,
    ) -> ConferenceSession:
        """Find the edition's session called ``title`` or schedule it on the venue's clock."""
        found = db.session.scalar(
            select(ConferenceSession).filter_by(edition_id=edition.id, title=title).limit(1)
        )
        if found is None:
            fields.setdefault("status", SessionStatus.CONFIRMED)
            found = ConferenceSession(edition_id=edition.id, title=title, kind=kind, **fields)
            venue = fields.get("venue") or (fields["room"].venue if fields.get("room") else None)
            found.set_times(starts, ends, venue.zone if venue else edition.timezone)
            self.add(found)
        for position, (speaker, role) in enumerate(speakers):
            self.get_or_create(
                SessionSpeaker,
                session_id=found.id,
                speaker_id=speaker.id,
                defaults={
                    "role": role,
                    "position": position,
                    "invitation": InvitationStatus.CONFIRMED,
                    "responded_at": found.starts_at - timedelta(days=30),
                },
            )
        for position, showcase in enumerate(showcases):
            self.get_or_create(
                SessionShowcase,
                session_id=found.id,
                showcase_id=showcase.id,
                defaults={"position": position},
            )
        return found

    # -- agreements -----------------------------------------------------------------

    def agreement(self, title: str, history, parties, **fields) -> Agreement:
        """Find the agreement called ``title`` or create it with its parties and history.

        :param history: ``(when, status, note)`` steps from draft to the current status.
        :param parties: ``(organisation name, role, signatory, signatory title, signed on)``.
        """
        fields["status"] = history[-1][1]
        agreement, created = self.get_or_create(Agreement, title=title, defaults=fields)
        if created:
            previous = None
            for when, status, note in history:
                self.add(
                    AgreementTransition(
                        agreement_id=agreement.id,
                        actor_id=self.users["organiser@demo.agora"].id,
                        from_status=previous,
                        to_status=status,
                        note=note,
                        created_at=when,
                    )
                )
                previous = status
        for org_name, role, signatory, signatory_title, signed_on in parties:
            self.get_or_create(
                AgreementParty,
                agreement_id=agreement.id,
                organisation_id=self.orgs[org_name].id,
                defaults={
                    "role": role,
                    "signatory_name": signatory,
                    "signatory_title": signatory_title,
                    "signed_on": signed_on,
                },
            )
        return agreement

    def commitment(self, agreement: Agreement, title: str, progress, **fields) -> Commitment:
        """Find or create a commitment, with its progress as ``(recorded on, value, note)``."""
        commitment, created = self.get_or_create(
            Commitment, agreement_id=agreement.id, title=title, defaults=fields
        )
        if created:
            for recorded_on, value, note in progress:
                self.add(
                    CommitmentProgress(
                        commitment_id=commitment.id,
                        recorded_on=recorded_on,
                        value=Decimal(value),
                        note=note,
                        recorded_by_id=self.users["organiser@demo.agora"].id,
                        created_at=datetime.combine(recorded_on, datetime.min.time(), UTC)
                        + timedelta(hours=10),
                    )
                )
        return commitment

    # -- thinklabs ------------------------------------------------------------------

    def thinklab(self, slug: str, **fields) -> Thinklab:
        thinklab, _ = self.get_or_create(Thinklab, slug=slug, defaults=fields)
        return thinklab

    def member(self, thinklab: Thinklab, name: str, org_name: str | None, category, **fields):
        self.get_or_create(
            ThinklabMember,
            thinklab_id=thinklab.id,
            name=name,
            defaults={
                "organisation_id": self.orgs[org_name].id if org_name else None,
                "category": category,
                **fields,
            },
        )


def load_demo() -> dict[str, int]:
    """Load the five real cases of DESIGN.md, creating only what is missing; flush only.

    :returns: how many rows of each model were created (empty on a second run).
    """
    loader = _Loader()
    loader.organisations()
    loader.accounts()
    bizerte = _load_bizerte(loader)
    _load_bizerte_thinklab(loader, bizerte)
    _load_caravan(loader)
    _load_casablanca(loader)
    _draft_casablanca_decision_mails(loader)
    _load_issy_leshan(loader)
    _load_e_madina(loader)
    load_upcoming(loader)
    db.session.flush()
    logger.info("demo data loaded: %s", dict(loader.created))
    return dict(loader.created)


def _draft_casablanca_decision_mails(loader: _Loader) -> None:
    """Draft the decision mails of Casablanca 2023's decided showcases; never release them.

    They wait in the organiser outbox as drafts, through the showcases' own decision mail
    (one dedupe key per showcase and decision, so a second run drafts nothing again).
    """
    from flask import current_app, has_request_context

    from app.showcases.emails import decision_key, draft_decision

    for email, name, locale, org_name in DELEGATES:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            loader.add(
                User(
                    email=email,
                    password_hash=hash_password(DEMO_PASSWORD),
                    display_name=name,
                    locale=locale,
                    organisation_id=loader.orgs[org_name].id,
                    email_confirmed_at=_utc(2026, 1, 5, 9),
                )
            )
    edition = db.session.scalar(select(Edition).where(Edition.slug == CASABLANCA_SLUG))
    organiser = loader.users["organiser@demo.agora"]
    decided = db.session.scalars(
        select(Showcase)
        .where(
            Showcase.edition_id == edition.id,
            Showcase.status.in_([S.ACCEPTED, S.WAITLISTED, S.REJECTED]),
        )
        .order_by(Showcase.id)
    ).all()

    def draft_all() -> None:
        for showcase in decided:
            key = decision_key(showcase, showcase.status.value)
            known = db.session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)
            )
            if known is not None:
                continue
            mail, _already = draft_decision(showcase, organiser)
            if mail is not None:
                loader.created[type(mail).__name__] += 1

    if has_request_context():
        draft_all()
    else:
        # Links in the mails are built with url_for, which needs a request outside tests.
        base = current_app.config.get("AGORA_BASE_URL", "http://127.0.0.1:5000")
        with current_app.test_request_context("/", base_url=base):
            draft_all()


def _load_bizerte(loader: _Loader) -> Edition:
    series = loader.series(
        "bizerte-smart-city",
        "Bizerte Smart City",
        "Conférence internationale sur la ville intelligente à Bizerte.",
        "Association Bizerte Smart City",
    )
    edition = loader.edition(
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
        published_at=_utc(2017, 7, 3, 9),
        programme_published_at=_utc(2017, 9, 15, 9),
    )
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

    mayor = loader.speaker(
        "Sami Ben Ammar", "Président de la délégation spéciale", "Commune de Bizerte", C.CITY
    )
    envoy = loader.speaker(
        "Mohamed Ali Chebbi",
        "Représentant du Chef du Gouvernement",
        None,
        C.PUBLIC_INSTITUTION,
    )
    grenoble = loader.speaker(
        "Claire Dubois", "Directrice des relations internationales", "Grenoble INP", C.UNIVERSITY
    )
    enib = loader.speaker(
        "Anis Trabelsi",
        "Directeur",
        "École nationale d'ingénieurs de Bizerte (ENIB)",
        C.UNIVERSITY,
    )
    startup = loader.speaker("Rim Gharbi", "Fondatrice", "ParkiBiz", C.STARTUP)
    researcher = loader.speaker(
        "Hatem Jlassi",
        "Directeur de recherche",
        "Centre de Recherche en Numérique de Sfax",
        C.RESEARCH_LAB,
    )
    host = loader.speaker(
        "Olfa Mansouri", "Présidente", "Association Bizerte Smart City", C.ASSOCIATION
    )

    day1, day2 = date(2017, 10, 27), date(2017, 10, 28)

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute)

    K, R = SessionKind, SpeakerRole
    loader.session(
        edition,
        "Séance d'ouverture sous le haut patronage du Chef du Gouvernement",
        K.KEYNOTE,
        at(day1, 9),
        at(day1, 9, 45),
        room=plenary,
        speakers=[(envoy, R.SPEAKER), (mayor, R.SPEAKER), (host, R.SPEAKER)],
    )
    loader.session(
        edition,
        "La smart city méditerranéenne : quels enjeux pour Bizerte ?",
        K.KEYNOTE,
        at(day1, 9, 45),
        at(day1, 10, 30),
        room=plenary,
        speakers=[(researcher, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Quelle gouvernance pour une ville intelligente ?",
        K.PANEL,
        at(day1, 11),
        at(day1, 12, 30),
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
        at(day1, 14),
        at(day1, 15, 30),
        room=workshop_room,
        abstract="Réunion constitutive : composition, méthode et calendrier du thinklab.",
        speakers=[(host, R.MODERATOR), (mayor, R.SPEAKER)],
    )
    signing = loader.session(
        edition,
        "Cérémonie de signature de la convention Grenoble INP – ENIB",
        K.SIGNING_CEREMONY,
        at(day1, 16),
        at(day1, 16, 45),
        room=plenary,
        speakers=[(grenoble, R.SPEAKER), (enib, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Atelier : mobilité urbaine et port intelligent",
        K.WORKSHOP,
        at(day2, 9, 30),
        at(day2, 11),
        room=workshop_room,
        speakers=[(researcher, R.MODERATOR), (startup, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Les startups tunisiennes de la ville intelligente",
        K.TALK,
        at(day2, 11, 30),
        at(day2, 12, 30),
        room=plenary,
        speakers=[(startup, R.SPEAKER)],
    )
    # A planted conflict for organisers to find on the conflicts page and resolve: Rim
    # Gharbi is booked here and in the plenary talk above at the same time.
    loader.session(
        edition,
        PLANTED_CONFLICT_TITLE,
        K.WORKSHOP,
        at(day2, 11, 30),
        at(day2, 12, 30),
        room=workshop_room,
        status=SessionStatus.TENTATIVE,
        abstract="Retour d'expérience de ParkiBiz : capteurs, paiement mobile et données.",
        speakers=[(startup, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Clôture : feuille de route et prochaines étapes",
        K.KEYNOTE,
        at(day2, 12, 30),
        at(day2, 13),
        room=plenary,
        speakers=[(host, R.SPEAKER), (mayor, R.SPEAKER)],
    )

    convention = loader.agreement(
        "Convention de coopération Grenoble INP – ENIB",
        history=[
            (_utc(2017, 6, 12, 9), A.DRAFT, "Projet de convention rédigé par les deux écoles."),
            (_utc(2017, 7, 4, 14), A.NEGOTIATION, "Échanges sur les doubles diplômes."),
            (
                _utc(2017, 10, 27, 15, 30),
                A.SIGNED,
                "Signée pendant Bizerte Smart City 2017, en séance plénière.",
            ),
            (_utc(2017, 11, 1, 8), A.ACTIVE, "Entrée en vigueur."),
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
    return edition


def _load_bizerte_thinklab(loader: _Loader, edition: Edition) -> None:
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
    members = (
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
    for name, org_name, category, role in members:
        loader.member(thinklab, name, org_name, category, role=role or MemberRole.MEMBER)
    loader.member(
        thinklab,
        "Nadia El Idrissi",
        "Association Bizerte Smart City",
        C.ASSOCIATION,
        user_id=loader.users["organiser@demo.agora"].id,
        wants_digest=True,
    )
    for category, minimum in (
        (C.PUBLIC_INSTITUTION, 2),
        (C.PRIVATE_COMPANY, 2),
        (C.STARTUP, 2),
        (C.RESEARCH_LAB, 1),
        (C.UNIVERSITY, 2),
    ):
        loader.get_or_create(
            CompositionRule,
            thinklab_id=thinklab.id,
            category=category,
            defaults={"minimum": minimum},
        )
    for original, cancelled, moved, note in (
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
    ):
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
    roadmap = (
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
    for position, (horizon, title, owner, status, progress) in enumerate(roadmap):
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
    contributions = (
        (
            _utc(2017, 10, 30, 9),
            "<p>Compte rendu de la réunion de lancement : <strong>quatre chantiers</strong> "
            "retenus — mobilité, énergie, port et services numériques.</p>",
            None,
        ),
        (
            _utc(2018, 3, 20, 16),
            "<p>Note de cadrage du <em>plan d'action à 10 ans</em>, version 2 :</p>"
            "<ul><li>mobilité et stationnement</li><li>efficacité énergétique</li>"
            "<li>données urbaines ouvertes</li></ul>",
            None,
        ),
        (
            _utc(2024, 6, 20, 10),
            "<p>Proposition : ouvrir les données de l'observatoire sous licence ouverte et "
            "les publier sur le portail national.</p>",
            "https://www.data.gov.tn/",
        ),
    )
    for when, body, link in contributions:
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


def _load_caravan(loader: _Loader) -> None:
    series = loader.series(
        "tunisian-smart-cities-caravan",
        "Tunisian Smart Cities — la caravane",
        "Une semaine sur les routes de Tunisie, de municipalité en municipalité.",
        "Association Tunisian Smart Cities",
    )
    edition = loader.edition(
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
        published_at=_utc(2020, 5, 20, 9),
        programme_published_at=_utc(2020, 6, 5, 9),
    )
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
    partnership = loader.agreement(
        "Partenariat des sept ministères — caravane Tunisian Smart Cities 2020",
        history=[
            (_utc(2020, 3, 2, 9), A.DRAFT, ""),
            (_utc(2020, 4, 14, 9), A.NEGOTIATION, "Réunion interministérielle."),
            (_utc(2020, 5, 28, 10), A.SIGNED, "Signé par les sept ministères."),
            (_utc(2020, 6, 21, 7), A.ACTIVE, "Départ de la caravane."),
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


def _load_casablanca(loader: _Loader) -> None:
    series = loader.series(
        "casablanca-smart-city",
        "Casablanca Smart City",
        "L'Agora annuelle des projets smart des villes, entreprises et startups du Maroc.",
        "Cluster e-Madina",
    )
    edition = loader.edition(
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
        published_at=_utc(2023, 5, 22, 9),
        programme_published_at=_utc(2023, 10, 2, 9),
    )
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
    organiser = loader.users["organiser@demo.agora"]
    reviewer = loader.users["reviewer@demo.agora"]
    startup_user = loader.users["startup@demo.agora"]
    loader.get_or_create(
        EditionRole, user_id=reviewer.id, edition_id=edition.id, role=EditionRoleKind.REVIEWER
    )
    loader.get_or_create(
        EditionRole, user_id=organiser.id, edition_id=edition.id, role=EditionRoleKind.ORGANISER
    )

    showcases = {}
    for index, (
        title,
        org_name,
        kind,
        track_index,
        status,
        stand,
        by_startup,
        summary,
    ) in enumerate(SHOWCASES):
        submitter = startup_user if by_startup else None
        path = PATHS[status]
        created_at = _utc(2023, 6, 5, 9) + timedelta(days=3 * index)
        steps = [
            created_at,
            created_at + timedelta(days=6),
            _utc(2023, 9, 18, 9) + timedelta(minutes=10 * index),
            _utc(2023, 9, 29, 15) + timedelta(minutes=10 * index),
        ]
        showcase, created = loader.get_or_create(
            Showcase,
            edition_id=edition.id,
            title=title,
            defaults={
                "organisation_id": loader.orgs[org_name].id,
                "submitted_by_id": submitter.id if submitter else None,
                "track_id": tracks[track_index].id,
                "summary": summary,
                "kind": kind,
                "status": status,
                "stand_number": stand,
                "submitted_at": steps[1] if len(path) > 1 else None,
                "decided_at": steps[3] if len(path) > 3 else None,
                # The 2023 decisions were announced with the programme; their mails stay
                # drafts in the outbox for the organiser's walkthrough.
                "decision_released_at": (
                    edition.programme_published_at if status in DECIDED else None
                ),
                "created_at": created_at,
            },
        )
        showcases[title] = showcase
        if created:
            previous = None
            for step, to_status in enumerate(path):
                by_submitter = to_status in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN)
                actor = submitter if by_submitter else organiser
                note = {
                    S.DRAFT: "Brouillon créé.",
                    S.SUBMITTED: "Soumis avant la clôture de l'appel.",
                    S.UNDER_REVIEW: "Attribué au comité de lecture.",
                    S.ACCEPTED: "Retenu pour l'Agora.",
                    S.WAITLISTED: "En liste d'attente : un stand peut se libérer.",
                    S.REJECTED: "Projet encore trop peu mature pour l'Agora.",
                    S.WITHDRAWN: "Retiré par l'organisation : projet reporté à 2024.",
                }[to_status]
                loader.add(
                    ShowcaseTransition(
                        showcase_id=showcase.id,
                        actor_id=actor.id if actor else None,
                        from_status=previous,
                        to_status=to_status,
                        note=note,
                        created_at=steps[min(step, 3)],
                    )
                )
                previous = to_status
        if status in (S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN):
            loader.get_or_create(
                ReviewAssignment,
                showcase_id=showcase.id,
                reviewer_id=reviewer.id,
                defaults={"assigned_by_id": organiser.id, "created_at": steps[2]},
            )
        values = next((v for prefix, v in REVIEW_VALUES.items() if title.startswith(prefix)), None)
        if values is not None:
            weighted = sum(c.weight * v for c, v in zip(criteria, values, strict=True))
            score = round(weighted / sum(c.weight for c in criteria), 2)
            review, review_created = loader.get_or_create(
                Review,
                showcase_id=showcase.id,
                reviewer_id=reviewer.id,
                defaults={
                    "score": score,
                    "comment": "Projet clair, chiffres à l'appui."
                    if score >= 4
                    else "Intéressant mais la mise en œuvre reste à démontrer.",
                    "submitted_at": steps[2] + timedelta(days=5),
                },
            )
            if review_created:
                for criterion, value in zip(criteria, values, strict=True):
                    loader.add(
                        ReviewScore(review_id=review.id, criterion_id=criterion.id, value=value)
                    )

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
        founder.user_id = startup_user.id
    professor = loader.speaker(
        "Hicham Alaoui",
        "Professeur d'urbanisme",
        "Université Hassan II de Casablanca",
        C.UNIVERSITY,
    )
    innovator = loader.speaker("Omar Squalli", "Animateur", "Fab Lab Derb Sultan", C.ASSOCIATION)

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2023, 10, day, hour, minute)

    K, R = SessionKind, SpeakerRole
    by_prefix = {title.split(" ")[0]: s for title, s in showcases.items()}
    opening = loader.session(
        edition,
        "Ouverture : la ville smart au service des transitions métropolitaines",
        K.KEYNOTE,
        at(18, 9),
        at(18, 9, 30),
        room=plenary,
        speakers=[(host, R.SPEAKER), (city, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Transitions métropolitaines durables : l'exemple de Casablanca-Settat",
        K.KEYNOTE,
        at(18, 9, 30),
        at(18, 10, 30),
        room=plenary,
        speakers=[(region, R.SPEAKER)],
    )
    governance = loader.session(
        edition,
        "Gouvernance smart : données, participation et confiance",
        K.PANEL,
        at(18, 10, 45),
        at(18, 12),
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
        at(18, 12),
        at(18, 13),
        room=agora,
        track=tracks[0],
        showcases=[by_prefix["Budget"], by_prefix["Guichet"], by_prefix["Casa"]],
        speakers=[(founder, R.SPEAKER)],
    )
    workshop_title = "Atelier : financer les projets smart des collectivités"
    if _session_exists(edition, workshop_title) is None:
        workshop = loader.session(
            edition,
            workshop_title,
            K.WORKSHOP,
            at(18, 14, 30),
            at(18, 15, 30),
            room=anfa,
            track=tracks[2],
            speakers=[(company, R.SPEAKER)],
        )
        workshop.status = SessionStatus.CANCELLED
        workshop.sequence = 1
        workshop.changed_at = _utc(2023, 10, 16, 17)
        workshop.abstract = "Annulé : l'intervenant principal ne peut pas venir."
    loader.session(
        edition,
        "Agora des showcases — infrastructures et écologie",
        K.SHOWCASE_SLOT,
        at(18, 15, 30),
        at(18, 16, 30),
        room=agora,
        track=tracks[4],
        showcases=[by_prefix["Éclairage"], by_prefix["Compteurs"]],
        speakers=[(company, R.SPEAKER)],
    )
    mobility_title = "Mobilité durable et services urbains"
    if _session_exists(edition, mobility_title) is None:
        mobility = loader.session(
            edition,
            mobility_title,
            K.PANEL,
            at(19, 9, 30),
            at(19, 10, 30),
            room=plenary,
            track=tracks[3],
        )
        # First scheduled at 09:30, then moved to 11:00: calendars must see the change.
        mobility.set_times(at(19, 11), at(19, 12), mobility.timezone)
        mobility.sequence = 1
        mobility.changed_at = _utc(2023, 10, 12, 10)
    loader.session(
        edition,
        mobility_title,
        K.PANEL,
        at(19, 11),
        at(19, 12),
        speakers=[(company, R.MODERATOR), (founder, R.PANELLIST), (city, R.PANELLIST)],
    )
    inclusion = loader.session(
        edition,
        "Le numérique au service de l'inclusion sociale",
        K.TALK,
        at(19, 14),
        at(19, 15),
        room=anfa,
        track=tracks[1],
        speakers=[(innovator, R.SPEAKER)],
    )
    loader.session(
        edition,
        "Clôture et restitution des cinq axes",
        K.KEYNOTE,
        at(19, 16),
        at(19, 16, 30),
        room=plenary,
        speakers=[(host, R.SPEAKER), (professor, R.SPEAKER)],
    )
    attendee = loader.users["attendee@demo.agora"]
    loader.get_or_create(Registration, user_id=attendee.id, edition_id=edition.id)
    for chosen in (opening, governance, inclusion):
        loader.get_or_create(AgendaEntry, user_id=attendee.id, session_id=chosen.id)

    loader.agreement(
        "Convention de sponsoring Dar Mobility — Casablanca Smart City 2023",
        history=[
            (_utc(2023, 7, 3, 10), A.DRAFT, ""),
            (_utc(2023, 7, 20, 10), A.NEGOTIATION, "Contre-proposition sur le stand."),
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


def _session_exists(edition: Edition, title: str) -> int | None:
    return db.session.scalar(
        select(ConferenceSession.id).filter_by(edition_id=edition.id, title=title).limit(1)
    )


def _load_issy_leshan(loader: _Loader) -> None:
    twinning = loader.agreement(
        "Jumelage Issy-les-Moulineaux – Leshan",
        history=[
            (_utc(2018, 2, 1, 9), A.DRAFT, ""),
            (_utc(2018, 5, 15, 9), A.NEGOTIATION, "Mission de la délégation de Leshan à Issy."),
            (_utc(2018, 10, 16, 8), A.SIGNED, "Signé à Leshan."),
            (_utc(2019, 1, 1, 0), A.ACTIVE, ""),
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
    groups = (
        # slug, name, zone, first meeting, rrule, mode
        ("urbanisme", "Urbanisme", "Europe/Paris", (2024, 1, 9, 9), "FREQ=WEEKLY;BYDAY=TU"),
        ("transport", "Transport", "Europe/Paris", (2024, 1, 11, 9), "FREQ=WEEKLY;BYDAY=TH"),
        ("education", "Éducation", "Asia/Shanghai", (2024, 1, 10, 16), "FREQ=WEEKLY;BYDAY=WE"),
        ("logement", "Logement", "Asia/Shanghai", (2024, 1, 12, 16), "FREQ=WEEKLY;BYDAY=FR"),
        ("tourisme", "Tourisme", "Asia/Shanghai", (2024, 1, 8, 16), "FREQ=WEEKLY;BYDAY=MO"),
    )
    for slug, name, zone, first, rule in groups:
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


def _load_e_madina(loader: _Loader) -> None:
    programme = loader.agreement(
        "Programme e-Madina : contrat de performance du cluster 2015–2020",
        history=[
            (_utc(2014, 9, 1, 9), A.DRAFT, ""),
            (_utc(2014, 11, 3, 9), A.NEGOTIATION, "Objectifs chiffrés discutés avec l'État."),
            (_utc(2015, 1, 12, 11), A.SIGNED, ""),
            (_utc(2015, 1, 15, 8), A.ACTIVE, ""),
            (_utc(2021, 1, 1, 0), A.EXPIRED, "Fin du programme ; bilan publié en 2021."),
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
    cluster_party = db.session.scalar(
        select(AgreementParty).filter_by(
            agreement_id=programme.id, organisation_id=loader.orgs["Cluster e-Madina"].id
        )
    )
    targets = (
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
    for title, target, due, unit, progress in targets:
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
