"""Programme mails come from the template registry: edition overrides, regeneration."""

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import (
    EditionRoleKind,
    OutboxMessage,
    OutboxStatus,
    SessionSpeaker,
)
from app.notifications.services import save_override
from app.program import services
from tests.factories import grant, make_speaker, make_user
from tests.program.conftest import build_paris_rooms
from tests.support import sign_in

MOVED = {
    "subject": "Moved: {{ item.title }}",
    "body_text": "{{ recipient.name }}, {{ item.title }} is now {{ when }} in {{ place }}.",
    "body_html": "",
}


def _data(room, hour, title="Mobility data"):
    return {
        "kind": "talk",
        "title": title,
        "abstract": "",
        "track_id": None,
        "room_id": room.id,
        "venue_id": None,
        "online_url": None,
        "starts_local": datetime(2027, 3, 27, hour, 0),
        "ends_local": datetime(2027, 3, 27, hour + 1, 0),
        "status": "tentative",
    }


def _change_mails():
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "program.session_changed")
    ).all()


def test_the_editions_override_of_session_moved_writes_the_change_mail(app_ctx):
    edition, _, hall, studio = build_paris_rooms()
    save_override(edition.id, "program.session_changed", "en", **MOVED)
    session_ = services.save_session(edition, _data(hall, 10)).session
    session_.speakers.append(
        SessionSpeaker(speaker=make_speaker(name="Amina", email="amina@example.org"))
    )
    db.session.flush()
    services.save_session(edition, _data(studio, 14), session_=session_)
    services.save_session(
        edition, _data(studio, 15, title="Mobility data, again"), session_=session_
    )

    [mail] = _change_mails()
    assert mail.subject == "Moved: Mobility data, again"
    assert mail.body_text.startswith("Amina, Mobility data, again is now 2027-03-27 15:00")
    assert "Studio, Centre, Paris" in mail.body_text
    assert mail.template_event == "program.session_changed"
    assert mail.template_context["item.title"] == "Mobility data, again"
    [invite] = mail.attachments
    assert b"METHOD:REQUEST" in invite.data and b"SEQUENCE:2" in invite.data
    assert "<html" in mail.body_html[:200].lower()  # the mail layout


def test_an_organiser_regenerates_a_waiting_change_mail_from_the_outbox(app, client):
    with app.app_context():
        edition, _, hall, studio = build_paris_rooms()
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        session_ = services.save_session(edition, _data(hall, 10)).session
        session_.speakers.append(
            SessionSpeaker(speaker=make_speaker(name="Amina", email="amina@example.org"))
        )
        db.session.flush()
        services.save_session(edition, _data(studio, 14), session_=session_)
        [mail] = _change_mails()
        assert mail.status is OutboxStatus.PENDING and mail.subject == "Changed: Mobility data"
        save_override(edition.id, "program.session_changed", "en", **MOVED)
        db.session.commit()
        slug, mail_id, organiser_id = edition.slug, mail.id, organiser.id
    sign_in(client, organiser_id)

    page = client.get(f"/editions/{slug}/outbox/{mail_id}").get_data(as_text=True)
    assert "Regenerate from the current template" in page
    response = client.post(f"/editions/{slug}/outbox/{mail_id}/regenerate")

    assert response.status_code == 302
    with app.app_context():
        mail = db.session.get(OutboxMessage, mail_id)
        assert mail.status is OutboxStatus.PENDING
        assert mail.subject == "Moved: Mobility data"
        assert "is now 2027-03-27 14:00" in mail.body_text
        assert len(mail.attachments) == 1


def test_a_sent_change_mail_cannot_be_regenerated(app_ctx):
    import pytest

    from app.errors import Conflict
    from app.notifications.services import regenerate

    edition, _, hall, studio = build_paris_rooms()
    session_ = services.save_session(edition, _data(hall, 10)).session
    session_.speakers.append(SessionSpeaker(speaker=make_speaker(email="amina@example.org")))
    db.session.flush()
    services.save_session(edition, _data(studio, 14), session_=session_)
    [mail] = _change_mails()
    mail.status = OutboxStatus.SENT
    db.session.flush()
    with pytest.raises(Conflict):
        regenerate(mail)
