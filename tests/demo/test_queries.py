"""The public pages send a fixed number of SQL statements, however big the case.

Relationships that are empty or unset skip their batched query, so pages of different
shapes may differ by one or two statements; a query per row would add dozens.
"""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from app.extensions import db
from app.models import Agreement, AgreementKind

pytestmark = pytest.mark.usefixtures("demo")


@contextmanager
def counting_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def statements_for(client, path: str) -> int:
    with counting_statements() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_edition_pages_are_flat(client):
    caravan = statements_for(client, "/editions/tunisian-smart-cities-caravan-2020")
    bizerte = statements_for(client, "/editions/bizerte-smart-city-2017")
    assert caravan == bizerte


def test_agreement_pages_are_flat(app, client):
    with app.app_context():
        ids = dict(db.session.execute(select(Agreement.kind, Agreement.id)).all())
    cluster = statements_for(client, f"/agreements/{ids[AgreementKind.PPP]}")
    convention = statements_for(client, f"/agreements/{ids[AgreementKind.CONVENTION]}")
    twinning = statements_for(client, f"/agreements/{ids[AgreementKind.TWINNING]}")
    # Five commitments with fifteen progress rows cost what one commitment costs.
    assert cluster == convention <= 12
    assert twinning <= 12


def test_thinklab_pages_are_flat(client):
    # Eleven members, three meeting changes, seven roadmap items and three contributions.
    assert statements_for(client, "/thinklabs/bizerte-2050") <= 11
    assert statements_for(client, "/thinklabs/issy-leshan-education") <= 11
