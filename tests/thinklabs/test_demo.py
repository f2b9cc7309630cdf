"""The Issy–Leshan working groups on the demo data: two years of meetings in both zones."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Thinklab
from app.thinklabs.queries.recurrence import occurrences


def test_working_groups_meet_weekly_and_quarterly_for_two_years(app, demo):
    start, end = datetime(2027, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)
    with app.app_context():
        groups = db.session.scalars(
            select(Thinklab).where(Thinklab.slug.like("issy-leshan-%"))
        ).all()
        assert len(groups) == 6
        counts = {g.slug: len(occurrences(g, start, end)) for g in groups}
        assert counts["issy-leshan-gestion-urbaine"] == 8  # every three months
        assert all(100 <= n <= 106 for s, n in counts.items() if s != "issy-leshan-gestion-urbaine")
        paris = next(g for g in groups if g.slug == "issy-leshan-urbanisme")
        hours_in_paris = {o.starts_in("Europe/Paris").hour for o in occurrences(paris, start, end)}
        hours_in_leshan = {
            o.starts_in("Asia/Shanghai").hour for o in occurrences(paris, start, end)
        }
        # 09:00 in Paris is 16:00 in Leshan in winter and 15:00 in summer (China has no DST).
        assert hours_in_paris == {9} and hours_in_leshan == {15, 16}


def test_meetings_page_switches_zone(client, demo):
    own = client.get("/thinklabs/issy-leshan-urbanisme/meetings?from=2027-03-20&to=2027-04-03")
    page = own.get_data(as_text=True)
    assert own.status_code == 200
    assert "09:00 (Paris, UTC+1)" in page and "09:00 (Paris, UTC+2)" in page
    assert "tz=Asia/Shanghai" in page
    shown = client.get(
        "/thinklabs/issy-leshan-urbanisme/meetings?from=2027-03-20&to=2027-04-03&tz=Asia/Shanghai"
    ).get_data(as_text=True)
    assert "16:00 (Shanghai, UTC+8)" in shown and "15:00 (Shanghai, UTC+8)" in shown


def test_all_working_groups_on_one_page(app, client, demo):
    with app.app_context():
        groups = db.session.scalars(
            select(Thinklab).where(Thinklab.slug == "issy-leshan-gestion-urbaine")
        ).all()
        agreement_id = groups[0].agreement_id
    response = client.get(f"/thinklabs/agreements/{agreement_id}/meetings?tz=Asia/Shanghai")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Issy – Leshan : gestion de la ville" in page and "Issy – Leshan : Éducation" in page


def test_bizerte_thinklab_page_lists_its_next_meetings(client, demo):
    page = client.get("/thinklabs/bizerte-2050/meetings").get_data(as_text=True)
    assert "Tunis" in page
