"""Public pages stay flat as editions and venues grow; the copy proposes the next title."""

from datetime import date

import pytest

from app.editions import management as svc
from app.extensions import db
from app.models import EditionFormat, EditionStatus
from tests.demo.test_queries import counting_statements
from tests.factories import make_edition, make_room, make_series, make_track, make_venue


def build(editions: int, venues: int) -> str:
    """Add ``editions`` published editions of ``venues`` venues (two rooms each)."""
    series = make_series()
    slug = ""
    for n in range(editions):
        edition = make_edition(
            series,
            format=EditionFormat.CARAVAN if n % 2 else EditionFormat.CONFERENCE,
            start_date=date(2027, 6, 1),
            end_date=date(2027, 6, 28),
        )
        make_track(edition)
        for v in range(venues):
            venue = make_venue(edition, town=f"Town {v}", start_date=date(2027, 6, 1 + v))
            make_room(venue, name="Hall", capacity=100)
            make_room(venue, name="Annex", capacity=20)
        slug = edition.slug
    make_edition(series, status=EditionStatus.DRAFT)  # never shown, never counted
    db.session.commit()
    return slug


def statements(client, path: str) -> int:
    with counting_statements() as seen:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(seen)


@pytest.fixture
def small(app):
    with app.app_context():
        return build(editions=2, venues=1)


def test_home_and_edition_pages_do_not_grow_with_editions_and_venues(app, client, small):
    home_small = statements(client, "/")
    edition_small = statements(client, f"/editions/{small}")
    with app.app_context():
        large = build(editions=30, venues=14)
    assert statements(client, "/") == home_small
    assert statements(client, f"/editions/{large}") == edition_small
    assert edition_small <= 10


def test_a_signed_in_organiser_costs_one_more_statement_at_most(app, client, small):
    from tests.factories import make_user

    anonymous = statements(client, "/")
    with app.app_context():
        user_id = make_user().id
        db.session.commit()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user_id)
        flask_session["_fresh"] = True
    # Loading the account, then asking once whether it organises something and once
    # whether it reviews something (the header's "Manage" and "My reviews").
    assert statements(client, "/") <= anonymous + 3


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Casablanca Smart City 2023 — 7e édition", "Casablanca Smart City 2024 — 8e édition"),
        ("Casablanca Smart City 2023, 7th edition", "Casablanca Smart City 2024, 8th edition"),
        ("Agora 2023 (17 stands)", "Agora 2024 (17 stands)"),
    ],
)
def test_the_copy_proposes_the_next_number_in_the_title(app, title, expected):
    with app.test_request_context():
        source = make_edition(title=title, number=7, year=2023)
        assert svc.next_edition_defaults(source)["title"] == expected
        assert svc._renumber("The 1st edition", 1, 2) == "The 2nd edition"
        assert svc._renumber("The 12th edition", 12, 13) == "The 13th edition"
        db.session.rollback()
