"""VTIMEZONEs that every reader understands: one observance per change of offset (no
RDATE list, of which ical.js reads only the first value), covering exactly the span of
the events, so that summer meetings and Ramadan sessions are at the right hour."""

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from app.ical import OPEN_ENDED_YEARS, session_to_ical, thinklab_invitation, vtimezone
from app.models import AgendaEntry, ConferenceSession, Thinklab
from tests.calendars.parsers import same_reading
from tests.calendars.truth import meeting, series
from tests.factories import make_edition, make_session, make_user

UNTIL = datetime(2031, 1, 1, tzinfo=UTC)


def _offset(prop) -> str:
    minutes = int(prop.td.total_seconds() // 60)
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _observances(timezone) -> list[tuple[datetime, str, str]]:
    """``(DTSTART, TZOFFSETFROM, TZOFFSETTO)`` of each observance, as written."""
    timezone = Calendar.from_ical(timezone.to_ical())
    return [
        (part.DTSTART, _offset(part["TZOFFSETFROM"]), _offset(part["TZOFFSETTO"]))
        for part in timezone.subcomponents
    ]


def test_one_observance_per_change_from_the_one_in_force_to_the_last_event():
    timezone = vtimezone(
        "Africa/Casablanca",
        datetime(2025, 3, 1, 12, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
    )
    assert "RDATE" not in timezone.to_ical().decode()
    assert _observances(timezone) == [
        (datetime(2025, 2, 23, 3), "+0100", "+0000"),  # Ramadan 2025, in force on 1 March
        (datetime(2025, 4, 6, 2), "+0000", "+0100"),
        (datetime(2026, 2, 15, 3), "+0100", "+0000"),  # Ramadan 2026
        (datetime(2026, 3, 22, 2), "+0000", "+0100"),
        (datetime(2026, 9, 20, 2), "+0100", "+0000"),  # UTC+0 for good
    ]
    quiet = vtimezone(
        "Asia/Shanghai", datetime(2025, 3, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
    )
    assert _observances(quiet) == [(datetime(2025, 3, 1), "+0800", "+0800")]
    half_hour = vtimezone(
        "Australia/Lord_Howe", datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC)
    )
    assert _observances(half_hour) == [
        (datetime(2025, 4, 6, 2), "+1100", "+1030"),
        (datetime(2025, 10, 5, 2), "+1030", "+1100"),
    ]


@pytest.fixture
def paris_groups(app):
    """The Issy–Leshan working groups: weekly video calls and a meeting every quarter,
    from January 2025, without end."""
    with app.app_context():
        groups = {
            "weekly": ("FREQ=WEEKLY;BYDAY=TU", datetime(2025, 1, 7, 9), 60),
            "quarterly": ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE", datetime(2025, 3, 5, 10), 360),
        }
        for slug, (rule, first, minutes) in groups.items():
            db.session.add(
                Thinklab(
                    slug=f"paris-{slug}",
                    name=f"Issy – Leshan {slug}",
                    timezone="Europe/Paris",
                    first_meeting_local=first,
                    meeting_minutes=minutes,
                    rrule=rule,
                )
            )
        db.session.commit()
        return groups


def test_paris_summer_meetings_are_at_the_right_hour_in_feeds_and_invitations(
    app, client, paris_groups
):
    for slug, (rule, first, minutes) in paris_groups.items():
        expected = series(first, rule, "Europe/Paris", minutes, UNTIL)
        feed = client.get(f"/thinklabs/paris-{slug}/calendar.ics").data
        with app.app_context():
            thinklab = db.session.scalar(db.select(Thinklab).filter_by(slug=f"paris-{slug}"))
            invitation = thinklab_invitation(thinklab, "member@example.org", method="REQUEST")
        for body in (feed, invitation):
            read = same_reading(body, until=UNTIL)
            assert [(start, end) for _uid, start, end in read["occurrences"]] == expected
        # The VTIMEZONE of a rule without end reaches the horizon, and not beyond.
        (timezone,) = Calendar.from_ical(feed).walk("VTIMEZONE")
        last_change = _observances(timezone)[-1][0]
        horizon = datetime.now(UTC).year + OPEN_ENDED_YEARS
        assert last_change.year == horizon


def test_a_casablanca_session_moved_into_ramadan_2026_in_every_feed(app, client):
    with app.app_context():
        edition = make_edition(slug="ramadan-2026", timezone="Africa/Casablanca")
        before = make_session(edition, datetime(2023, 3, 1, 18), datetime(2023, 3, 1, 19))
        moved = make_session(edition, datetime(2026, 1, 20, 18), datetime(2026, 1, 20, 19))
        moved.set_times(datetime(2026, 2, 20, 18), datetime(2026, 2, 20, 19), moved.timezone)
        moved.sequence += 1
        user = make_user()
        user.calendar_token = "ramadan-agenda"
        for session_ in (before, moved):
            db.session.add(AgendaEntry(user=user, session=session_))
        db.session.commit()
        uids = {s.ical_uid: s.id for s in (before, moved)}
    expected = {
        before.id: meeting(datetime(2023, 3, 1, 18), "Africa/Casablanca", 60),
        moved.id: meeting(datetime(2026, 2, 20, 18), "Africa/Casablanca", 60),
    }
    assert expected[moved.id] == ("2026-02-20T18:00:00Z", "2026-02-20T19:00:00Z")
    for url in (
        "/editions/ramadan-2026/calendar.ics",
        "/agenda/ramadan-agenda.ics",
        f"/sessions/{moved.id}/calendar.ics",
    ):
        read = same_reading(client.get(url).data)
        for (uid, _recurrence), event in read["events"].items():
            assert (event["start"], event["end"]) == expected[uids[uid]], url


def test_a_single_meeting_gets_only_the_observance_in_force(app_ctx):
    edition = make_edition(slug="one-meeting", timezone="Europe/Paris")
    session_ = make_session(edition, datetime(2027, 7, 1, 10), datetime(2027, 7, 1, 11))
    db.session.flush()
    (timezone,) = session_to_ical(db.session.get(ConferenceSession, session_.id)).walk("VTIMEZONE")
    assert _observances(timezone) == [(datetime(2027, 3, 28, 2), "+0100", "+0200")]
    assert date(2027, 7, 1) - _observances(timezone)[0][0].date() < timedelta(days=366)
