"""The showcase pages on the demo data: Casablanca 2023 in every status, as each account."""

import html

import pytest
from sqlalchemy import select

from app.demo import load_demo
from app.extensions import db
from app.models import Organisation, Showcase, ShowcaseStatus, User
from tests.support import sign_in


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        db.session.commit()
        showcases = {s.title.split(" ")[0]: s.id for s in db.session.scalars(select(Showcase))}
        users = {u.email: u.id for u in db.session.scalars(select(User))}
        dar = db.session.scalar(select(Organisation.id).where(Organisation.name == "Dar Mobility"))
    return {"showcases": showcases, "users": users, "dar": dar}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_the_catalogue_shows_the_accepted_casablanca_showcases(client, demo):
    page = text(client.get("/showcases?edition=casablanca-smart-city-2023"))
    assert "5 showcases" in page
    for title in ("Casa Covoit'", "Budget participatif", "Éclairage public LED télégéré"):
        assert title in page
    for hidden in ("Tiers-lieu", "Jumeau", "Capteurs citoyens", "Signalement", "Bornes"):
        assert hidden not in page
    covoit = text(client.get(f"/showcases/{demo['showcases']['Casa']}"))
    assert "A01" in covoit and "Agora des showcases" in covoit


def test_the_startup_sees_its_showcases_and_history(client, demo):
    sign_in(client, demo["users"]["startup@demo.agora"])
    page = text(client.get(f"/organisations/{demo['dar']}/showcases"))
    assert "Signalement des incidents de voirie" in page and "Brouillon créé." in page
    draft = demo["showcases"]["Signalement"]
    assert "appel à vitrines est clos" in text(  # the demo startup reads French
        client.get(f"/showcases/{draft}/edit")
    )
    assert client.get(f"/showcases/{demo['showcases']['Budget']}/edit").status_code == 403


def test_the_reviewer_sees_their_assignments_and_scores(client, demo):
    sign_in(client, demo["users"]["reviewer@demo.agora"])
    page = text(client.get("/reviews"))
    assert "Jumeau numérique de la médina" in page
    review = text(client.get(f"/showcases/{demo['showcases']['Jumeau']}/review"))
    assert "Your score" in review
    assert client.get(f"/showcases/{demo['showcases']['Signalement']}/review").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/editions/casablanca-smart-city-2023/manage/showcases",
        "/editions/casablanca-smart-city-2023/manage/showcases?status=accepted",
        "/editions/casablanca-smart-city-2023/manage/reviewers",
        "/editions/casablanca-smart-city-2023/manage/showcases/mails",
        "/editions/casablanca-smart-city-2023/call",
    ],
)
def test_the_organisers_pages_answer(client, demo, path):
    sign_in(client, demo["users"]["organiser@demo.agora"])
    assert "Casablanca" in text(client.get(path))


def test_the_organiser_manages_each_status(client, demo):
    sign_in(client, demo["users"]["organiser@demo.agora"])
    for showcase_id in demo["showcases"].values():
        assert client.get(f"/showcases/{showcase_id}/manage").status_code == 200


def test_every_status_is_in_the_demo(app, demo):
    with app.app_context():
        statuses = set(db.session.scalars(select(Showcase.status)))
    assert statuses == set(ShowcaseStatus)
