"""The sessions CSV: for the edition's organisers only, with spreadsheet formulas neutralised."""

import csv
import io

from app.calendars.queries.exports import safe_cell
from app.extensions import db
from app.models import EditionRoleKind
from tests.factories import grant, make_edition, make_session, make_user
from tests.support import sign_in


def test_csv_is_for_organisers_and_neutralises_formulas(app, client):
    with app.app_context():
        edition = make_edition(slug="csv-edition")
        make_session(edition, title='=HYPERLINK("http://evil")', abstract="x")
        make_session(edition, title="-2+3")
        organiser, stranger = make_user(), make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        db.session.commit()
        ids = organiser.id, stranger.id
    sign_in(client, ids[1])
    assert client.get("/editions/csv-edition/sessions.csv").status_code == 403
    sign_in(client, ids[0])
    response = client.get("/editions/csv-edition/sessions.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ['\'=HYPERLINK("http://evil")', "'-2+3"]


def test_safe_cell():
    for text in ("=1", "+1", "-1", "@SUM", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Casablanca") == "Casablanca"
