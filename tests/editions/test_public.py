"""Public pages stay flat as editions and venues grow; the copy proposes the next title."""

from datetime import date

import pytest

from app.editions import queries
from app.editions.queries import editions as edition_queries
from app.extensions import db
from app.models import EditionFormat, EditionStatus
from tests.factories import make_edition, make_room, make_series, make_track, make_venue
from tests.support import sign_in


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


@pytest.fixture
def small(app):
    with app.app_context():
        return build(editions=2, venues=1)


def test_home_and_edition_pages_do_not_grow_with_editions_and_venues(
    app, client, small, counting_statements
):
    home_small = counting_statements.for_page(client, "/")
    edition_small = counting_statements.for_page(client, f"/editions/{small}")
    with app.app_context():
        large = build(editions=30, venues=14)
    assert counting_statements.for_page(client, "/") == home_small
    assert counting_statements.for_page(client, f"/editions/{large}") == edition_small
    # The key figures (showcases, sessions, speakers, partners) are one statement more.
    assert edition_small <= 11


def test_a_signed_in_organiser_costs_one_more_statement_at_most(
    app, client, small, counting_statements
):
    from tests.factories import make_user

    anonymous = counting_statements.for_page(client, "/")
    with app.app_context():
        user_id = make_user().id
        db.session.commit()
    sign_in(client, user_id)
    # Loading the account, then asking once whether it organises something and once
    # whether it reviews something (the header's "Manage" and "My reviews").
    assert counting_statements.for_page(client, "/") <= anonymous + 3


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
        assert queries.next_edition_defaults(source)["title"] == expected
        assert edition_queries._renumber("The 1st edition", 1, 2) == "The 2nd edition"
        assert edition_queries._renumber("The 12th edition", 12, 13) == "The 13th edition"
        db.session.rollback()
