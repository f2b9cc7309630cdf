"""Casablanca Smart City, 7th edition: an Agora with five axes, a venue, rooms and a call."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import EditionFormat, EditionRoleKind, EditionStatus, ReviewCriterion
from tests.factories import (
    grant,
    make_edition,
    make_organisation,
    make_room,
    make_series,
    make_track,
    make_user,
    make_venue,
)

AXES = (
    ("Smart governance", "#1f7a4d"),
    ("Social and community", "#a1232b"),
    ("Infrastructure", "#3559a8"),
    ("Smart services", "#7a4d00"),
    ("Ecology, environment and sustainable development", "#2e7d32"),
)


def build_casablanca(slug: str = "casablanca-smart-city-2023"):
    """Add the 7th edition with its structure; flush only and return it."""
    series = make_series(slug="casablanca-smart-city", name="Casablanca Smart City")
    edition = make_edition(
        series,
        slug=slug,
        number=7,
        year=2023,
        title="Casablanca Smart City 2023",
        theme="Ville smart, vers les transitions métropolitaines durables",
        format=EditionFormat.AGORA,
        timezone="Africa/Casablanca",
        start_date=date(2023, 10, 10),
        end_date=date(2023, 10, 12),
        status=EditionStatus.PUBLISHED,
        patronage="Wilaya de la région Casablanca-Settat",
        organised_by="Casablanca Events & Loisirs",
        call_opens_local=datetime(2023, 6, 1, 9, 0),
        call_closes_local=datetime(2023, 9, 15, 18, 0),
    )
    edition.refresh_instants()
    for position, (name, colour) in enumerate(AXES):
        make_track(edition, name=name, colour=colour, position=position)
    venue = make_venue(
        edition,
        name="Parc des expositions",
        town="Casablanca",
        start_date=date(2023, 10, 10),
        end_date=date(2023, 10, 12),
    )
    make_room(venue, name="Agora hall", capacity=800)
    make_room(venue, name="Workshop room", capacity=60)
    edition.review_criteria.append(ReviewCriterion(name="Impact", weight=2, position=0))
    db.session.flush()
    return edition


@dataclass
class Casablanca:
    """Ids of the 7th edition and of one user of each kind around it."""

    slug: str
    edition_id: int
    series_id: int
    organiser_id: int
    site_organiser_id: int
    attendee_id: int
    startup_id: int
    other_slug: str


@pytest.fixture
def casablanca(app) -> Casablanca:
    with app.app_context():
        edition = build_casablanca()
        other = make_edition(slug="bizerte-smart-city-2017", timezone="Africa/Tunis")
        make_track(other, name="Bizerte 2050")
        make_room(make_venue(other, town="Bizerte"))
        organiser = make_user(email="organiser@casa.test")
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        site_organiser = make_user(email="site@casa.test", is_organiser=True)
        attendee = make_user(email="attendee@casa.test")
        startup = make_user(email="startup@casa.test", organisation=make_organisation())
        db.session.commit()
        return Casablanca(
            slug=edition.slug,
            edition_id=edition.id,
            series_id=edition.series_id,
            organiser_id=organiser.id,
            site_organiser_id=site_organiser.id,
            attendee_id=attendee.id,
            startup_id=startup.id,
            other_slug=other.slug,
        )
