"""The issue's list of bad input, through the pages: each refused next to its field.

Editions (end before start, unknown zone, duplicate slug, DST gap in the call window)
are in test_routes.py; this file covers venues, creating, copying and publishing.
"""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Edition, EditionStatus, Venue
from tests.editions.test_routes import field_error, load, sign_in, text_of


def venue_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Venue))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2023-10-12", "end_date": "2023-10-11"}, "end_date", "cannot end before"),
        ({"timezone": "Africa/Atlantis"}, "timezone", "Unknown time zone"),
        ({"start_date": "2023-10-10", "end_date": "2023-10-14"}, "end_date", "within the edition"),
        ({"start_date": "2023-10-01"}, "start_date", "within the edition"),
    ],
)
def test_bad_venue_input_is_refused_next_to_the_field(
    app, client, casablanca, changes, field, message
):
    sign_in(client, casablanca.organiser_id)
    before = venue_count(app)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/venues/new",
        data={"name": "Annex", "town": "Mohammedia", **changes},
    )
    assert response.status_code == 422
    assert message in field_error(text_of(response), field)
    assert venue_count(app) == before


def test_creating_an_edition_at_a_taken_address_is_refused(app, client, casablanca):
    sign_in(client, casablanca.site_organiser_id)
    response = client.post(
        "/manage/editions/new",
        data={
            "series_id": casablanca.series_id,
            "slug": casablanca.other_slug,
            "number": 9,
            "year": 2025,
            "title": "Taken",
            "format": "agora",
            "timezone": "Africa/Casablanca",
            "start_date": "2025-10-10",
            "end_date": "2025-10-11",
        },
    )
    html = text_of(response)
    assert "already uses this address" in field_error(html, "slug")
    with app.app_context():
        assert db.session.scalar(select(Edition).where(Edition.title == "Taken")) is None


def test_copying_to_a_taken_address_is_refused_and_saves_nothing(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Edition))
    response = client.post(
        f"/editions/{casablanca.slug}/manage/copy",
        data={"slug": casablanca.other_slug, "title": "Copy", "number": 8, "year": 2024},
    )
    assert response.status_code == 422
    assert "already uses this address" in field_error(text_of(response), "slug")
    response = client.post(
        f"/editions/{casablanca.slug}/manage/copy",
        data={"slug": "casablanca-2024", "title": "Copy", "number": 7, "year": 2024},
    )
    assert "already has an edition with this number" in field_error(text_of(response), "number")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Edition)) == before


def test_an_edition_without_venue_is_not_published(app, client, casablanca):
    sign_in(client, casablanca.site_organiser_id)
    response = client.post(
        "/manage/editions/new",
        data={
            "series_id": casablanca.series_id,
            "slug": "casablanca-smart-city-2030",
            "number": 14,
            "year": 2030,
            "title": "Casablanca Smart City 2030",
            "format": "agora",
            "timezone": "Africa/Casablanca",
            "start_date": "2030-10-08",
            "end_date": "2030-10-10",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/editions/casablanca-smart-city-2030/manage/status",
        data={"status": "published"},
        follow_redirects=True,
    )
    assert "The edition has no venue." in text_of(response)
    assert load(app, "casablanca-smart-city-2030").status is EditionStatus.DRAFT
    assert client.get("/").get_data(as_text=True).count("Casablanca Smart City 2030") == 0
