"""On the demo data an organiser finds Bizerte's planted conflict and resolves it on the grid;
two organisers editing one demo session meet the optimistic lock."""

import re

import pytest
from sqlalchemy import select

from app.demo import BIZERTE_SLUG, PLANTED_CONFLICT_TITLE
from app.extensions import db
from app.models import ConferenceSession, Edition, User
from app.program.queries import conflicts
from tests.support import sign_in

CONFLICTS = f"/editions/{BIZERTE_SLUG}/manage/conflicts"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def session_by_title(app, title: str) -> ConferenceSession:
    with app.app_context():
        found = db.session.scalar(select(ConferenceSession).where(ConferenceSession.title == title))
        db.session.expunge(found)
        return found


def bizerte_conflicts(app) -> list:
    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.slug == BIZERTE_SLUG))
        return conflicts.edition_conflicts(edition)


@pytest.mark.usefixtures("demo")
def test_the_demo_holds_exactly_the_planted_conflict(app):
    found = bizerte_conflicts(app)
    assert [c.kind for c in found] == [conflicts.SPEAKER_DOUBLE_BOOKED]
    assert "Rim Gharbi" in found[0].message


@pytest.mark.usefixtures("demo")
def test_an_organiser_sees_and_resolves_the_planted_conflict(app, client, sign_in_by_email):
    sign_in_by_email("organiser@demo.agora")
    page = text_of(client.get(CONFLICTS + "?lang=en"))
    assert "Warning:" in page and "Rim Gharbi" in page
    assert PLANTED_CONFLICT_TITLE.replace("'", "&#39;") in client.get(CONFLICTS).get_data(
        as_text=True
    )

    workshop = session_by_title(app, PLANTED_CONFLICT_TITLE)
    grid = client.get(f"/editions/{BIZERTE_SLUG}/manage/schedule?day=2017-10-28")
    assert grid.status_code == 200
    assert f'action="/sessions/{workshop.id}/place"' in grid.get_data(as_text=True)

    # Moving it onto the plenary talk's time in another room is still a warning…
    refused = client.post(
        f"/sessions/{workshop.id}/place",
        data={
            "room_id": str(workshop.room_id),
            "starts_local": "2017-10-28T11:45",
            "version": str(workshop.version_id),
        },
        follow_redirects=True,
    )
    assert "Save anyway" in text_of(refused)
    # …moving it to the afternoon resolves the conflict.
    moved = client.post(
        f"/sessions/{workshop.id}/place",
        data={
            "room_id": str(workshop.room_id),
            "starts_local": "2017-10-28T14:00",
            "version": str(workshop.version_id),
        },
    )
    assert moved.status_code == 302
    assert "No conflict" in text_of(client.get(CONFLICTS))
    assert bizerte_conflicts(app) == []
    after = session_by_title(app, PLANTED_CONFLICT_TITLE)
    assert after.starts_local.hour == 14 and after.sequence == workshop.sequence + 1


@pytest.mark.usefixtures("demo")
def test_two_organisers_editing_a_demo_session_the_second_is_refused(app, sign_in_by_email):
    closing = session_by_title(app, "Clôture : feuille de route et prochaines étapes")
    url = f"/sessions/{closing.id}/edit"
    values = {
        "kind": closing.kind.value,
        "title": closing.title,
        "abstract": closing.abstract,
        "track_id": "",
        "room_id": str(closing.room_id),
        "venue_id": "",
        "online_url": "",
        "starts_local": closing.starts_local.strftime("%Y-%m-%dT%H:%M"),
        "ends_local": closing.ends_local.strftime("%Y-%m-%dT%H:%M"),
        "status": closing.status.value,
        "version": str(closing.version_id),
    }
    browsers = []
    for email in ("organiser@demo.agora", "admin@demo.agora"):
        browser = app.test_client()
        with app.app_context():
            user_id = db.session.scalar(select(User.id).where(User.email == email))
        sign_in(browser, user_id, lang="en")
        assert browser.get(url).status_code == 200
        browsers.append(browser)
    first, second = browsers
    saved = first.post(url, data={**values, "title": "Clôture et feuille de route"})
    assert saved.status_code == 302
    refused = second.post(url, data={**values, "title": "Clôture officielle"})
    assert refused.status_code == 200
    page = text_of(refused)
    assert "changed meanwhile" in page
    assert "Clôture et feuille de route" in page  # the newer values are shown
    with app.app_context():
        assert db.session.get(ConferenceSession, closing.id).title == "Clôture et feuille de route"
