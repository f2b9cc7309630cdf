"""A session's invitations (iTIP): a request, a moved request, then a cancel, one UID."""

from datetime import datetime

from icalendar import Calendar

from app.calendars.ical import session_invitation
from app.models import SessionStatus
from tests.calendars.parsers import same_reading
from tests.factories import make_edition, make_session


def test_invitations_request_then_cancel_with_the_same_uid(app):
    with app.app_context():
        edition = make_edition(slug="itip-edition")
        session_ = make_session(edition, title="Keynote; with, commas")
        first = session_invitation(session_, "speaker@example.org", "Speaker, One")
        session_.set_times(datetime(2027, 3, 10, 15), datetime(2027, 3, 10, 16), session_.timezone)
        session_.sequence += 1
        moved = session_invitation(session_, "speaker@example.org", "Speaker, One")
        session_.status = SessionStatus.CANCELLED
        session_.sequence += 1
        cancelled = session_invitation(session_, "speaker@example.org")
    readings = []
    for body, method in ((first, "REQUEST"), (moved, "REQUEST"), (cancelled, "CANCEL")):
        calendar = Calendar.from_ical(body)
        assert calendar["METHOD"] == method
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["ORGANIZER"]) == "mailto:no-reply@agora.localhost"
        attendee = vevent["ATTENDEE"]
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
        readings.append(same_reading(body))
    uids = [next(iter(r["events"]))[0] for r in readings]
    assert len(set(uids)) == 1
    sequences = [next(iter(r["events"].values()))["sequence"] for r in readings]
    assert sequences == sorted(set(sequences))
    assert next(iter(readings[2]["events"].values()))["status"] == "CANCELLED"
    assert next(iter(readings[1]["events"].values()))["start"] == "2027-03-10T15:00:00Z"
