"""An edition form reports every problem at once, a taken address or number included."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Edition
from tests.editions.test_routes import field_error, sign_in, text_of


def edition_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Edition))


def new_edition_data(casablanca, **changes) -> dict:
    return {
        "series_id": casablanca.series_id,
        "slug": casablanca.other_slug,
        "number": 7,
        "year": 2025,
        "title": "Taken",
        "format": "agora",
        "timezone": "Africa/Casablanca",
        "start_date": "2025-10-12",
        "end_date": "2025-10-11",
        **changes,
    }


def test_a_new_edition_with_an_end_before_start_also_hears_of_its_taken_address(
    app, client, casablanca
):
    sign_in(client, casablanca.site_organiser_id)
    before = edition_count(app)
    html = text_of(client.post("/manage/editions/new", data=new_edition_data(casablanca)))
    assert "cannot end before it starts" in field_error(html, "end_date")
    assert "already uses this address" in field_error(html, "slug")
    assert "already has an edition with this number" in field_error(html, "number")
    assert edition_count(app) == before


def test_an_edition_keeps_its_own_address_and_number(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    html = text_of(
        client.post(
            f"/editions/{casablanca.slug}/manage/edit",
            data=new_edition_data(casablanca, slug=casablanca.slug),
        )
    )
    assert "cannot end before it starts" in field_error(html, "end_date")
    assert "already uses this address" not in html
    assert "already has an edition with this number" not in html
