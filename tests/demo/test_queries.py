"""The public pages send a fixed number of SQL statements, however big the case.

Relationships that are empty or unset skip their batched query, so pages of different
shapes may differ by one or two statements; a query per row would add dozens.
"""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Agreement, AgreementKind

pytestmark = pytest.mark.usefixtures("demo")


def test_edition_pages_are_flat(client, counting_statements):
    caravan = counting_statements.for_page(client, "/editions/tunisian-smart-cities-caravan-2020")
    bizerte = counting_statements.for_page(client, "/editions/bizerte-smart-city-2017")
    assert caravan == bizerte


def test_agreement_pages_are_flat(app, client, counting_statements):
    with app.app_context():
        ids = dict(db.session.execute(select(Agreement.kind, Agreement.id)).all())
    cluster = counting_statements.for_page(client, f"/agreements/{ids[AgreementKind.PPP]}")
    convention = counting_statements.for_page(
        client, f"/agreements/{ids[AgreementKind.CONVENTION]}"
    )
    twinning = counting_statements.for_page(client, f"/agreements/{ids[AgreementKind.TWINNING]}")
    # Five commitments with fifteen progress rows cost what one commitment costs.
    assert cluster == convention <= 12
    assert twinning <= 12


def test_thinklab_pages_are_flat(client, counting_statements):
    # Eleven members, three meeting changes, seven roadmap items and three contributions.
    assert counting_statements.for_page(client, "/thinklabs/bizerte-2050") <= 11
    assert counting_statements.for_page(client, "/thinklabs/issy-leshan-education") <= 11
