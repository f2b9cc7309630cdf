"""A caravan's timetable names each stop's town above its column."""

from datetime import datetime

from app.extensions import db
from app.models import EditionFormat
from app.program.routes import day_cache, item_cache, page_cache
from tests.factories import make_edition, make_session, make_venue


def test_a_caravan_column_without_rooms_says_the_stops_town(app, client):
    with app.app_context():
        edition = make_edition(format=EditionFormat.CARAVAN)
        fes = make_venue(edition, name="Place Boujloud", town="Fès")
        meknes = make_venue(edition, name="Place Lahdim", town="Meknès")
        make_session(edition, venue=fes, title="Morning stop")
        make_session(
            edition,
            datetime(2027, 3, 10, 15, 0),
            datetime(2027, 3, 10, 16, 0),
            venue=meknes,
            title="Afternoon stop",
        )
        db.session.commit()
        slug = edition.slug
    page_cache.clear()
    day_cache.clear()
    item_cache.clear()

    page = client.get(f"/editions/{slug}/programme?view=grid").get_data(as_text=True)

    header = page[page.index("<thead>") : page.index("</thead>")]
    assert "Fès" in header and "Meknès" in header
    assert "Other places" not in header
