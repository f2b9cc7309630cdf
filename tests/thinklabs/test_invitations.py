"""Members' meeting invitations: iTIP REQUEST of the series, CANCEL of a skipped meeting."""

from datetime import datetime, timedelta

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models import (
    MeetingChange,
    OutboxMessage,
    OutboxStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    User,
)
from app.thinklabs import services
from app.timezones import get_zone
from tests.calendars.parsers import _forget_vobject_zones
from tests.factories import make_user
from tests.support import sign_in

ZONE = "Europe/Paris"
FIRST = datetime(2027, 1, 5, 18)
SECOND = datetime(2027, 1, 12, 18)


@pytest.fixture
def lab(app):
    """A weekly thinklab with two members with an account and one without (no email)."""
    with app.app_context():
        amel = make_user(display_name="Amel", locale="fr")
        sami = make_user(display_name="Sami", locale="en")
        organiser = make_user(is_organiser=True)
        thinklab = Thinklab(
            slug="lab",
            name="Lab, énergie; «eau»",
            timezone=ZONE,
            first_meeting_local=FIRST,
            rrule="FREQ=WEEKLY;BYDAY=TU",
            meeting_minutes=60,
            online_url="https://meet.example.org/lab",
        )
        thinklab.refresh_instants()
        for user in (amel, sami):
            thinklab.members.append(
                ThinklabMember(user=user, name=user.display_name, category=StakeholderCategory.CITY)
            )
        thinklab.members.append(ThinklabMember(name="No Email", category=StakeholderCategory.CITY))
        db.session.add(thinklab)
        db.session.commit()
        return {"amel": amel.email, "sami": sami.email, "organiser": organiser.id}


def _mails():
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "thinklabs.meeting")
            .order_by(OutboxMessage.id)
        )
    )


def _invite(message: OutboxMessage):
    (attachment,) = message.attachments
    return attachment


def _read(data: bytes):
    """Parse with icalendar and with vobject; return both calendars."""
    text = data.decode()
    _forget_vobject_zones(text)
    return Calendar.from_ical(data), vobject.readOne(text)


def _lab() -> Thinklab:
    return db.session.scalar(select(Thinklab).where(Thinklab.slug == "lab"))


def _feed(client) -> Calendar:
    response = client.get("/thinklabs/lab/calendar.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def _by_recipient(mails):
    found = {}
    for message in mails:
        assert message.recipient not in found, "two mails for one member"
        found[message.recipient] = message
    return found


def test_a_new_member_gets_the_whole_series_with_the_feeds_uid(app, client, lab):
    with app.test_request_context():
        newcomer = make_user(display_name="Nora", locale="fr")
        services.add_member(_lab(), {"email": newcomer.email, "category": "city"})
        db.session.commit()
        (message,) = _mails()
        assert message.recipient == newcomer.email
        assert message.status is OutboxStatus.PENDING
        assert message.category is None  # transactional: preferences do not stop it
        assert "Invitation" in message.subject or "invitation" in message.subject.lower()
        assert "Vous êtes désormais membre du thinklab" in message.body_text
        attachment = _invite(message)
        assert attachment.content_type.endswith("method=REQUEST")
        sequence = _lab().sequence
    feed_uid = str(next(iter(_feed(client).walk("VEVENT")))["UID"])

    calendar, card = _read(attachment.data)
    assert str(calendar["METHOD"]) == "REQUEST" and card.method.value == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == feed_uid == card.vevent.uid.value
    assert int(event["SEQUENCE"]) == sequence
    assert "FREQ=WEEKLY" in event["RRULE"].to_ical().decode()
    assert str(event["ATTENDEE"]) == f"mailto:{newcomer.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert card.vevent.summary.value == "Lab, énergie; «eau»"


def test_a_member_without_email_gets_nothing(app, lab):
    with app.test_request_context():
        services.add_member(_lab(), {"name": "Guest", "category": "city"})
        db.session.commit()
        assert _mails() == []


def test_a_changed_recurrence_sends_one_folded_request_per_member(app, lab):
    with app.test_request_context():
        organiser = db.session.get(User, lab["organiser"])
        thinklab = _lab()
        before = thinklab.sequence
        data = {
            "slug": "lab",
            "name": thinklab.name,
            "description": "",
            "timezone": ZONE,
            "first_meeting_local": FIRST,
            "meeting_minutes": 90,
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "meeting_mode": "online",
            "online_url": "https://meet.example.org/lab",
        }
        services.save_thinklab(data, user=organiser, thinklab=thinklab)
        db.session.commit()
        assert _lab().sequence == before + 1
        # A second edit a moment later folds into the same waiting mail.
        services.save_thinklab(
            {**data, "rrule": "FREQ=WEEKLY;BYDAY=WE"}, user=organiser, thinklab=_lab()
        )
        db.session.commit()
        mails = _by_recipient(_mails())
        assert set(mails) == {lab["amel"], lab["sami"]}
        assert _lab().sequence == before + 2
        for message in mails.values():
            calendar, card = _read(_invite(message).data)
            (event,) = calendar.walk("VEVENT")
            assert int(event["SEQUENCE"]) == before + 2
            assert "BYDAY=WE" in event["RRULE"].to_ical().decode()
            assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=90)
            assert card.vevent.sequence.value == str(before + 2)
        assert "ont changé" in mails[lab["amel"]].body_text
        assert "have changed" in mails[lab["sami"]].body_text


def test_moving_a_meeting_sends_the_master_and_its_override(app, client, lab):
    with app.test_request_context():
        before = _lab().sequence
        services.move_meeting(
            _lab(),
            SECOND,
            starts_local=datetime(2027, 1, 13, 9),
            ends_local=datetime(2027, 1, 13, 10),
            note="Salle 2",
        )
        db.session.commit()
        mails = _by_recipient(_mails())
        assert set(mails) == {lab["amel"], lab["sami"]}
        data = _invite(mails[lab["sami"]]).data
        assert _invite(mails[lab["sami"]]).content_type.endswith("method=REQUEST")
        assert "has moved" in mails[lab["sami"]].body_text
        assert "2027-01-13 09:00" in mails[lab["sami"]].subject
    feed = _feed(client)
    calendar, card = _read(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    master, moved = calendar.walk("VEVENT")
    assert master["UID"] == moved["UID"] == next(iter(feed.walk("VEVENT")))["UID"]
    assert int(master["SEQUENCE"]) > before and int(moved["SEQUENCE"]) > before
    original = moved["RECURRENCE-ID"]
    assert original.params["TZID"] == ZONE
    assert original.dt == SECOND.replace(tzinfo=get_zone(ZONE))
    assert moved["DTSTART"].dt.replace(tzinfo=None) == datetime(2027, 1, 13, 9)
    vobject_ids = [e.recurrence_id.value for e in card.vevent_list if hasattr(e, "recurrence_id")]
    assert [v.replace(tzinfo=None) for v in vobject_ids] == [SECOND]
    assert vobject_ids[0].utcoffset() == timedelta(hours=1)


def test_skipping_a_meeting_cancels_that_occurrence_and_restoring_requests_it(app, client, lab):
    with app.test_request_context():
        services.skip_meeting(_lab(), SECOND, "Holiday")
        db.session.commit()
        mails = _by_recipient(_mails())
        assert set(mails) == {lab["amel"], lab["sami"]}
        attachment = _invite(mails[lab["amel"]])
        assert attachment.content_type.endswith("method=CANCEL")
        assert "annulée" in mails[lab["amel"]].subject
        cancelled_sequence = _lab().sequence
    calendar, card = _read(attachment.data)
    assert str(calendar["METHOD"]) == "CANCEL" and card.method.value == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    feed = _feed(client)
    (master,) = feed.walk("VEVENT")
    assert event["UID"] == master["UID"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == cancelled_sequence == int(master["SEQUENCE"])
    assert event["RECURRENCE-ID"].dt == SECOND.replace(tzinfo=get_zone(ZONE))
    assert event["RECURRENCE-ID"].params["TZID"] == ZONE
    assert card.vevent.recurrence_id.value.replace(tzinfo=None) == SECOND
    assert card.vevent.status.value == "CANCELLED"

    with app.test_request_context():
        for message in _mails():
            message.status = OutboxStatus.SENT
        change = db.session.scalar(select(MeetingChange))
        services.restore_meeting(_lab(), change.id)
        db.session.commit()
        mails = _by_recipient([m for m in _mails() if m.status is OutboxStatus.PENDING])
        assert set(mails) == {lab["amel"], lab["sami"]}
        restored = _invite(mails[lab["sami"]])
        assert restored.content_type.endswith("method=REQUEST")
    calendar, card = _read(restored.data)
    (event,) = calendar.walk("VEVENT")
    assert event.get("EXDATE") is None
    assert int(event["SEQUENCE"]) > cancelled_sequence
    assert card.vevent.uid.value == str(master["UID"])


def test_a_skip_refreshes_a_waiting_request_so_it_keeps_the_cancellation(app, lab):
    with app.test_request_context():
        services.move_meeting(
            _lab(),
            FIRST,
            starts_local=datetime(2027, 1, 6, 18),
            ends_local=datetime(2027, 1, 6, 19),
        )
        services.skip_meeting(_lab(), SECOND)
        db.session.commit()
        waiting = [m for m in _mails() if _invite(m).content_type.endswith("method=REQUEST")]
        assert len(waiting) == 2
        calendar = Calendar.from_ical(_invite(waiting[0]).data)
        master = calendar.walk("VEVENT")[0]
        assert master.get("EXDATE") is not None
        assert int(master["SEQUENCE"]) == _lab().sequence


def test_the_skip_route_sends_one_cancellation_per_member(app, client, lab):
    sign_in(client, lab["organiser"])
    response = client.post(
        "/thinklabs/lab/manage/skip", data={"original": "2027-01-12T18:00", "note": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        mails = _by_recipient(_mails())
        assert set(mails) == {lab["amel"], lab["sami"]}
        assert all(m.created_by_id == lab["organiser"] for m in mails.values())


def test_a_waiting_invitation_regenerates_with_the_same_wording(app, lab):
    """Regenerating from the organiser outbox writes the same mail, in the member's language."""
    from app.notifications.services import regenerate

    with app.test_request_context():
        newcomer = make_user(display_name="Nora", locale="fr")
        services.add_member(_lab(), {"email": newcomer.email, "category": "city"})
        db.session.commit()
        (message,) = _mails()
        subject, text = message.subject, message.body_text
        message.body_text = "edited by hand"
        regenerate(message)
        db.session.commit()
        assert message.subject == subject
        assert message.body_text == text
        assert "Invitation aux réunions" in message.subject


def _member_id(email: str) -> int:
    return db.session.scalar(select(ThinklabMember.id).join(User).where(User.email == email))


def test_a_removed_member_gets_one_cancellation_of_the_whole_series(app, client, lab):
    with app.test_request_context():
        # Sami got the series and the override of a moved meeting: both are sent.
        services.move_meeting(
            _lab(),
            SECOND,
            starts_local=datetime(2027, 1, 13, 9),
            ends_local=datetime(2027, 1, 13, 10),
        )
        db.session.commit()
        received = 0
        for message in _mails():
            message.status = OutboxStatus.SENT
            calendar = Calendar.from_ical(_invite(message).data)
            received = max([received, *(int(e["SEQUENCE"]) for e in calendar.walk("VEVENT"))])
        db.session.commit()
        organiser = db.session.get(User, lab["organiser"])
        services.remove_member(_lab(), _member_id(lab["sami"]), actor=organiser)
        db.session.commit()
        (message,) = [m for m in _mails() if m.status is OutboxStatus.PENDING]
        assert message.recipient == lab["sami"]
        assert message.created_by_id == lab["organiser"]
        assert "No longer a member" in message.subject
        assert "no longer a member of the thinklab" in message.body_text
        attachment = _invite(message)
        assert attachment.content_type.endswith("method=CANCEL")
    feed = _feed(client)
    feed_uid = str(next(iter(feed.walk("VEVENT")))["UID"])

    calendar, card = _read(attachment.data)
    assert str(calendar["METHOD"]) == "CANCEL" and card.method.value == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == feed_uid == card.vevent.uid.value
    assert event.get("RECURRENCE-ID") is None and not hasattr(card.vevent, "recurrence_id")
    assert str(event["STATUS"]) == "CANCELLED" and card.vevent.status.value == "CANCELLED"
    assert int(event["SEQUENCE"]) > received
    assert int(card.vevent.sequence.value) == int(event["SEQUENCE"])
    assert str(event["ATTENDEE"]) == f"mailto:{lab['sami']}"


def test_removal_discards_the_members_waiting_request_and_leaves_others_alone(app, lab):
    with app.test_request_context():
        services.skip_meeting(_lab(), SECOND)  # Amel and Sami: a cancellation of one meeting
        newcomer = make_user(display_name="Nora", locale="fr")
        services.add_member(_lab(), {"email": newcomer.email, "category": "city"})
        db.session.commit()
        (waiting,) = [m for m in _mails() if m.recipient == newcomer.email]
        assert _invite(waiting).content_type.endswith("method=REQUEST")
        before = {m.id for m in _mails()}
        services.remove_member(_lab(), _member_id(newcomer.email))
        db.session.commit()
        assert db.session.get(OutboxMessage, waiting.id).status is OutboxStatus.DISCARDED
        (new,) = [m for m in _mails() if m.id not in before]
        assert new.recipient == newcomer.email
        assert "Vous ne faites plus partie" in new.subject
        assert _invite(new).content_type.endswith("method=CANCEL")
        others = [m for m in _mails() if m.recipient != newcomer.email]
        assert len(others) == 2
        assert all(m.status is OutboxStatus.PENDING for m in others)


def test_removing_a_member_without_email_sends_nothing(app, lab):
    with app.test_request_context():
        member_id = db.session.scalar(
            select(ThinklabMember.id).where(ThinklabMember.name == "No Email")
        )
        sequence = _lab().sequence
        services.remove_member(_lab(), member_id)
        db.session.commit()
        assert _mails() == []
        assert _lab().sequence == sequence


def test_the_remove_route_sends_the_cancellation(app, client, lab):
    sign_in(client, lab["organiser"])
    with app.app_context():
        member_id = _member_id(lab["amel"])
    response = client.post(
        "/thinklabs/lab/manage/members/remove", data={"object_id": str(member_id)}
    )
    assert response.status_code == 302
    with app.app_context():
        (message,) = _mails()
        assert message.recipient == lab["amel"]
        assert message.created_by_id == lab["organiser"]
        assert _invite(message).content_type.endswith("method=CANCEL")


def test_every_kind_of_invitation_reads_alike_in_icaljs_and_vobject(app, lab):
    """Series, moved meeting, skipped meeting and removal, read by two other parsers."""
    from tests.calendars.parsers import same_reading

    attachments = {}
    with app.test_request_context():
        newcomer = make_user(display_name="Nora", locale="en")
        services.add_member(_lab(), {"email": newcomer.email, "category": "city"})
        db.session.commit()
        attachments["series"] = _invite(_mails()[-1]).data
        for message in _mails():
            message.status = OutboxStatus.SENT
        services.move_meeting(
            _lab(),
            SECOND,
            starts_local=datetime(2027, 1, 13, 9),
            ends_local=datetime(2027, 1, 13, 10),
        )
        db.session.commit()
        attachments["moved"] = _invite(_mails()[-1]).data
        for message in _mails():
            message.status = OutboxStatus.SENT
        services.skip_meeting(_lab(), FIRST + timedelta(weeks=2))
        db.session.commit()
        attachments["skipped"] = _invite(_mails()[-1]).data
        organiser = db.session.get(User, lab["organiser"])
        services.remove_member(_lab(), _member_id(newcomer.email), actor=organiser)
        db.session.commit()
        attachments["removed"] = _invite(_mails()[-1]).data

    readings = {kind: same_reading(data) for kind, data in attachments.items()}
    assert [readings[kind]["method"] for kind in attachments] == [
        "REQUEST",
        "REQUEST",
        "CANCEL",
        "CANCEL",
    ]
    uids = {uid for reading in readings.values() for uid, *_rest in reading["events"]}
    assert len(uids) == 1
    moved = [e for (_uid, recurrence), e in readings["moved"]["events"].items() if recurrence]
    assert [e["start"] for e in moved] == ["2027-01-13T08:00:00Z"]
    assert all(e["status"] == "CANCELLED" for e in readings["removed"]["events"].values())
