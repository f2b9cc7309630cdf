"""Organisers reach the programme and thinklab pages from the edition's menu and the header."""

from datetime import date

from app.extensions import db
from app.models import EditionRoleKind
from tests.factories import grant, make_edition, make_user
from tests.support import sign_in


def test_edition_menu_links_to_programme_and_thinklab_pages(app, client):
    with app.app_context():
        edition = make_edition(
            slug="links-2027", start_date=date(2027, 5, 1), end_date=date(2027, 5, 2)
        )
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        db.session.commit()
        organiser_id = organiser.id
    sign_in(client, organiser_id)
    page = client.get("/editions/links-2027/manage").get_data(as_text=True)
    for path in (
        "/editions/links-2027/manage/sessions",
        "/editions/links-2027/manage/schedule",
        "/editions/links-2027/manage/conflicts",
        "/editions/links-2027/manage/speakers",
        "/editions/links-2027/manage/thinklabs",
        "/editions/links-2027/thinklabs/new",
    ):
        assert f'href="{path}"' in page
        assert client.get(path).status_code == 200
    # An edition organiser is not a site organiser: no link to every thinklab.
    assert 'href="/manage/thinklabs"' not in page


def test_site_organisers_see_every_thinklab_from_the_header(app, client):
    with app.app_context():
        user = make_user(is_organiser=True)
        db.session.commit()
        user_id = user.id
    sign_in(client, user_id)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/manage/thinklabs"' in page
    assert client.get("/manage/thinklabs").status_code == 200
