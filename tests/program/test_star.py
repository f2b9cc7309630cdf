"""Signed-in readers add sessions to their agenda from the session page; the programme shows it."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import AgendaEntry, ConferenceSession
from tests.factories import make_user
from tests.program.test_queries import build_edition
from tests.support import sign_in


def first_session_id(slug: str) -> int:
    return db.session.scalar(
        select(ConferenceSession.id).where(ConferenceSession.title == f"{slug} session 1").limit(1)
    )


def test_star_and_unstar_from_the_session_page(app, client):
    with app.app_context():
        build_edition("starred", 4)
        session_id = first_session_id("starred")
        user_id = make_user().id
        db.session.commit()
    anonymous = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Add to my agenda" not in anonymous
    sign_in(client, user_id)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert f'action="/sessions/{session_id}/star"' in page
    added = client.post(f"/sessions/{session_id}/star", data={"next": f"/sessions/{session_id}"})
    assert added.status_code == 302
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Remove from my agenda" in page
    assert f'action="/sessions/{session_id}/unstar"' in page
    listed = client.get("/editions/starred/programme?view=list").get_data(as_text=True)
    assert listed.count("★ In my agenda") == 1
    client.post(f"/sessions/{session_id}/unstar")
    with app.app_context():
        assert db.session.scalar(select(func.count(AgendaEntry.id))) == 0
    assert "Add to my agenda" in client.get(f"/sessions/{session_id}").get_data(as_text=True)


def test_signed_in_programme_stays_flat(app, client, counting_statements):
    with app.app_context():
        build_edition("small", 10)
        build_edition("large", 200)
        user = make_user()
        for slug in ("small", "large"):
            for session_id in db.session.scalars(
                select(ConferenceSession.id).where(ConferenceSession.title.like(f"{slug} %"))
            ):
                db.session.add(AgendaEntry(user_id=user.id, session_id=session_id))
        db.session.commit()
        user_id = user.id
    sign_in(client, user_id)
    for query in ("view=list", "view=grid"):
        small = counting_statements.for_page(client, f"/editions/small/programme?{query}")
        large = counting_statements.for_page(client, f"/editions/large/programme?{query}")
        assert small == large
