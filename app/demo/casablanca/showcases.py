"""Casablanca Smart City 2023: the showcases, their history and reviews, decision mails."""

from datetime import timedelta

from flask import current_app, has_request_context
from sqlalchemy import select

from app.auth.services import hash_password
from app.demo.accounts import DEMO_PASSWORD
from app.demo.casablanca.edition import CASABLANCA_SLUG
from app.demo.loader import Loader, utc
from app.extensions import db
from app.models import (
    Edition,
    OutboxMessage,
    Review,
    ReviewAssignment,
    ReviewScore,
    Showcase,
    ShowcaseKind,
    ShowcaseStatus,
    ShowcaseTransition,
    User,
)
from app.showcases.emails import decision_key, draft_decision

S = ShowcaseStatus


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


def load_showcases(loader: Loader, edition: Edition, tracks, criteria) -> dict[str, Showcase]:
    """Every showcase of the call, by title, with its history, assignment and review."""
    showcases = {}
    for index, row in enumerate(SHOWCASES):
        showcases[row[0]] = _showcase(loader, edition, index, row, tracks, criteria)
    return showcases


NOTES = {
    S.DRAFT: "Brouillon créé.",
    S.SUBMITTED: "Soumis avant la clôture de l'appel.",
    S.UNDER_REVIEW: "Attribué au comité de lecture.",
    S.ACCEPTED: "Retenu pour l'Agora.",
    S.WAITLISTED: "En liste d'attente : un stand peut se libérer.",
    S.REJECTED: "Projet encore trop peu mature pour l'Agora.",
    S.WITHDRAWN: "Retiré par l'organisation : projet reporté à 2024.",
}


def _showcase(loader: Loader, edition: Edition, index: int, row, tracks, criteria) -> Showcase:
    """One showcase of ``SHOWCASES``; its dates are spread by its ``index``."""
    title, org_name, kind, track_index, status, stand, by_startup, summary = row
    submitter = loader.users["startup@demo.agora"] if by_startup else None
    path = PATHS[status]
    created_at = utc(2023, 6, 5, 9) + timedelta(days=3 * index)
    steps = [
        created_at,
        created_at + timedelta(days=6),
        utc(2023, 9, 18, 9) + timedelta(minutes=10 * index),
        utc(2023, 9, 29, 15) + timedelta(minutes=10 * index),
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
            "decision_released_at": (edition.programme_published_at if status in DECIDED else None),
            "created_at": created_at,
        },
    )
    if created:
        _history(loader, showcase, path, steps, submitter)
    _review(loader, showcase, status, steps, criteria)
    return showcase


def _history(loader: Loader, showcase: Showcase, path, steps, submitter) -> None:
    """The transitions of a new showcase along ``path``, by its submitter or the organiser."""
    organiser = loader.users["organiser@demo.agora"]
    previous = None
    for step, to_status in enumerate(path):
        by_submitter = to_status in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN)
        actor = submitter if by_submitter else organiser
        loader.add(
            ShowcaseTransition(
                showcase_id=showcase.id,
                actor_id=actor.id if actor else None,
                from_status=previous,
                to_status=to_status,
                note=NOTES[to_status],
                created_at=steps[min(step, 3)],
            )
        )
        previous = to_status


def _review(loader: Loader, showcase: Showcase, status: ShowcaseStatus, steps, criteria) -> None:
    """The reviewer's assignment of a showcase that went to review (``status`` as loaded),
    and its review if ``REVIEW_VALUES`` holds one."""
    organiser = loader.users["organiser@demo.agora"]
    reviewer = loader.users["reviewer@demo.agora"]
    if status in (S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN):
        loader.get_or_create(
            ReviewAssignment,
            showcase_id=showcase.id,
            reviewer_id=reviewer.id,
            defaults={"assigned_by_id": organiser.id, "created_at": steps[2]},
        )
    values = next(
        (v for prefix, v in REVIEW_VALUES.items() if showcase.title.startswith(prefix)), None
    )
    if values is None:
        return
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
            loader.add(ReviewScore(review_id=review.id, criterion_id=criterion.id, value=value))


def draft_decision_mails(loader: Loader) -> None:
    """Draft the decision mails of Casablanca 2023's decided showcases; never release them.

    They wait in the organiser outbox as drafts, through the showcases' own decision mail
    (one dedupe key per showcase and decision, so a second run drafts nothing again).
    """
    for email, name, locale, org_name in DELEGATES:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            loader.add(
                User(
                    email=email,
                    password_hash=hash_password(DEMO_PASSWORD),
                    display_name=name,
                    locale=locale,
                    organisation_id=loader.orgs[org_name].id,
                    email_confirmed_at=utc(2026, 1, 5, 9),
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
