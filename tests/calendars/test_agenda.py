"""A person's agenda feed holds starred sessions, their talks and their thinklabs; a new
secret address kills the old one."""

from datetime import datetime

from app.extensions import db
from app.models import (
    AgendaEntry,
    SessionSpeaker,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    User,
)
from tests.calendars.parsers import same_reading
from tests.factories import make_edition, make_session, make_speaker, make_user
from tests.support import sign_in


def test_agenda_has_starred_sessions_talks_and_thinklabs_and_rotation_kills_it(app, client):
    with app.app_context():
        edition = make_edition(slug="agenda-edition")
        starred, spoken, other = (make_session(edition) for _ in range(3))
        user = make_user()
        speaker = make_speaker(user=user)
        spoken.speakers.append(SessionSpeaker(speaker=speaker))
        thinklab = Thinklab(
            slug="agenda-thinklab",
            name="Agenda thinklab",
            timezone="Africa/Tunis",
            first_meeting_local=datetime(2027, 1, 12, 14),
            rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
        )
        thinklab.members.append(
            ThinklabMember(user=user, name="Me", category=StakeholderCategory.STARTUP)
        )
        db.session.add(thinklab)
        db.session.commit()
        user_id, ids = user.id, (starred.id, spoken.id, other.id)
        session_uids = [s.ical_uid for s in (starred, spoken, other)]
    sign_in(client, user_id)
    assert client.post(f"/sessions/{ids[0]}/star").status_code == 302
    response = client.post("/account/agenda-token")
    assert response.status_code == 302
    with app.app_context():
        token = db.session.get(User, user_id).calendar_token
    feed = client.get(f"/agenda/{token}.ics")
    assert feed.status_code == 200
    uids = {uid for uid, _r in same_reading(feed.data)["events"]}
    assert session_uids[0] in uids
    assert session_uids[1] in uids
    assert session_uids[2] not in uids
    assert any(uid.startswith("thinklab-") for uid in uids)
    page = client.get("/account")
    assert f"webcal://agora.test/agenda/{token}.ics" in page.get_data(as_text=True)
    client.post(f"/sessions/{ids[0]}/unstar")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AgendaEntry.id))) == 0
    client.post("/account/agenda-token")
    assert client.get(f"/agenda/{token}.ics").status_code == 404
    assert client.get("/agenda/unknown-token.ics").status_code == 404
