"""The public catalogue: only accepted showcases of public editions, words and filters in the
address, and a statement count that does not grow with the number of showcases."""

import html
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import (
    EditionStatus,
    OrganisationKind,
    Showcase,
    ShowcaseKind,
    ShowcaseStatus,
)
from tests.factories import make_edition, make_organisation, make_showcase, make_track

S = ShowcaseStatus
ANNOUNCED = datetime(2023, 10, 2, 9, tzinfo=UTC)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def shelves(app):
    """Two public editions and a draft one, with showcases in every status."""
    with app.app_context():
        casa = make_edition(slug="casa-2023", title="Casablanca 2023")
        bizerte = make_edition(slug="bizerte-2017", title="Bizerte 2017", timezone="Africa/Tunis")
        hidden = make_edition(slug="secret-2030", title="Secret", status=EditionStatus.DRAFT)
        mobility = make_track(casa, name="Smart services")
        ecology = make_track(casa, name="Ecology")
        water = make_track(bizerte, name="Water")
        dar = make_organisation(
            name="Dar Mobility", kind=OrganisationKind.STARTUP, country="MA", city="Casablanca"
        )
        qanat = make_organisation(
            name="Qanat Water Tech", kind=OrganisationKind.COMPANY, country="MA", city="Rabat"
        )
        commune = make_organisation(
            name="Commune de Bizerte", kind=OrganisationKind.CITY, country="TN", city="Bizerte"
        )
        make_showcase(
            casa,
            dar,
            title="Casa Covoit'",
            summary="Covoiturage 100% domicile_travail",
            kind=ShowcaseKind.SYSTEM,
            track=mobility,
            status=S.ACCEPTED,
            decision_released_at=ANNOUNCED,
            stand_number="A01",
        )
        make_showcase(
            casa,
            qanat,
            title="Smart water meters",
            summary="Leaks found early",
            kind=ShowcaseKind.PROJECT,
            track=ecology,
            status=S.ACCEPTED,
            decision_released_at=ANNOUNCED,
        )
        make_showcase(
            bizerte,
            commune,
            title="Port lighting",
            summary="LED lamps",
            kind=ShowcaseKind.POLICY,
            track=water,
            status=S.ACCEPTED,
            decision_released_at=ANNOUNCED,
        )
        for status in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED, S.REJECTED, S.WITHDRAWN):
            make_showcase(casa, dar, title=f"Hidden {status.value}", status=status, track=mobility)
        make_showcase(
            hidden,
            dar,
            title="Hidden edition",
            status=S.ACCEPTED,
            decision_released_at=ANNOUNCED,
        )
        make_showcase(casa, dar, title="Hidden unannounced", status=S.ACCEPTED)
        db.session.commit()
        return {"mobility": mobility.id, "water": water.id}


COVOIT = "Casa Covoit'"


def titles(client, query: str = "") -> list[str]:
    page = text(client.get(f"/showcases?{query}"))
    assert "Hidden" not in page
    return [t for t in (COVOIT, "Smart water meters", "Port lighting") if t in page]


def test_only_accepted_showcases_of_public_editions_appear(client, shelves):
    assert titles(client) == ["Casa Covoit'", "Smart water meters", "Port lighting"]
    assert "3 showcases" in text(client.get("/showcases"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=water", ["Smart water meters"]),
        ("q=QANAT", ["Smart water meters"]),
        ("q=leaks+early", ["Smart water meters"]),
        ("q=leaks+lighting", []),
        ("q=100%25", ["Casa Covoit'"]),
        ("q=_", ["Casa Covoit'"]),
        ("q=%25", ["Casa Covoit'"]),
        ("kind=policy", ["Port lighting"]),
        ("org_kind=startup", ["Casa Covoit'"]),
        ("country=ma", ["Casa Covoit'", "Smart water meters"]),
        ("city=rabat", ["Smart water meters"]),
        ("edition=bizerte-2017", ["Port lighting"]),
        ("edition=secret-2030", []),
        ("kind=spaceship", ["Casa Covoit'", "Smart water meters", "Port lighting"]),
        ("page=999", ["Casa Covoit'", "Smart water meters", "Port lighting"]),
    ],
)
def test_words_and_filters(client, shelves, query, expected):
    assert titles(client, query) == expected


def test_the_axis_filter_and_filters_stay_in_the_form(client, shelves):
    assert titles(client, f"track={shelves['water']}") == ["Port lighting"]
    page = client.get(f"/showcases?q=port&track={shelves['water']}&country=TN").get_data(
        as_text=True
    )
    assert 'value="port"' in page
    assert f'<option value="{shelves["water"]}" selected>' in page
    assert '<option value="TN" selected>' in page
    assert "Clear the filters" in page


def test_the_catalogue_is_public_and_escapes_what_submitters_typed(app, client, shelves):
    with app.app_context():
        showcase = db.session.scalar(db.select(Showcase).where(Showcase.title == "Port lighting"))
        showcase.title = "<script>alert(1)</script>"
        db.session.commit()
    raw = client.get("/showcases").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in raw and "&lt;script&gt;" in raw


def test_an_accepted_showcase_page_is_public_the_others_are_not(app, client, shelves):
    with app.app_context():
        ids = dict(db.session.execute(db.select(Showcase.title, Showcase.id)).all())
    page = client.get(f"/showcases/{ids[COVOIT]}")
    assert page.status_code == 200
    assert "Dar Mobility" in text(page) and "A01" in text(page)
    for title in (
        "Hidden draft",
        "Hidden rejected",
        "Hidden withdrawn",
        "Hidden edition",
        "Hidden unannounced",
    ):
        assert client.get(f"/showcases/{ids[title]}").status_code == 404


# Page speed ---------------------------------------------------------------------------------


def fill(prefix: str, count: int) -> None:
    edition = make_edition(slug=f"{prefix}-edition", title=f"{prefix} edition")
    tracks = [make_track(edition, name=f"{prefix} axis {n}") for n in range(3)]
    for n in range(count):
        organisation = make_organisation(
            name=f"{prefix} organisation {n}", city=f"City {n % 7}", country="MA"
        )
        make_showcase(
            edition,
            organisation,
            title=f"{prefix} showcase {n}",
            summary="A smart project",
            track=tracks[n % 3],
            status=S.ACCEPTED,
            decision_released_at=ANNOUNCED,
            stand_number=f"{prefix[0]}{n}",
        )
    db.session.commit()


@pytest.mark.parametrize("query", ["", "q=smart", "q=project&country=MA", "page=2"])
def test_catalogue_statements_do_not_grow_with_showcases(app, query, counting_statements):
    counts = []
    for prefix, size in (("small", 10), ("large", 100)):
        with app.app_context():
            fill(prefix, size)
        client = app.test_client()
        with counting_statements() as statements:
            response = client.get(f"/showcases?edition={prefix}-edition&{query}")
        assert response.status_code == 200
        counts.append(len(statements))
        with app.app_context():
            db.session.execute(db.delete(Showcase))
            db.session.commit()
    assert counts[0] == counts[1]
    assert counts[0] <= 8


def test_a_showcase_page_takes_few_statements(app, client, shelves, counting_statements):
    with app.app_context():
        showcase_id = db.session.scalar(
            db.select(Showcase.id).where(Showcase.title == "Casa Covoit'")
        )
    with counting_statements() as statements:
        assert client.get(f"/showcases/{showcase_id}").status_code == 200
    assert len(statements) <= 8
