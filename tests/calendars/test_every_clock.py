"""Every clock, every feed, every reader: a generated test over zones with hard rules.

For each zone, sessions in every month from 2017 to 2030 (and on both sides of every
change of offset, and in every Ramadan for Casablanca), and thinklabs meeting weekly,
quarterly and monthly (with a skipped and a moved meeting), are read back from the
edition, session, speaker, thinklab and agenda feeds and from session and thinklab
invitations by ical.js, vobject and libical: the three must agree on every instant, and
with zoneinfo. Hypothesis draws the days, hours and rules. Times are in the day (07:00
to 22:45), away from the night-time gaps and folds whose reading RFC 5545 leaves to
each client.
"""

import itertools
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.ical import session_invitation, thinklab_invitation
from app.models import (
    AgendaEntry,
    ConferenceSession,
    MeetingChange,
    SessionKind,
    SessionSpeaker,
    SessionStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
)
from app.timezones import get_zone
from tests.calendars.parsers import same_readings
from tests.calendars.truth import Truth
from tests.factories import make_edition, make_speaker, make_user

ZONES = (
    "Europe/Paris",
    "Africa/Casablanca",
    "Asia/Shanghai",
    "Africa/Tunis",
    "America/Sao_Paulo",
    "Australia/Lord_Howe",
    "Asia/Tehran",
    "Pacific/Apia",
)
MONTHS = [(year, month) for year in range(2017, 2031) for month in range(1, 13)]
UNTIL = datetime(2031, 1, 1, tzinfo=UTC)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Morocco keeps UTC+0 all year from 20 September 2026: its later Ramadans (mid-month).
LATER_RAMADANS = (date(2027, 2, 22), date(2028, 2, 11), date(2029, 1, 30), date(2030, 1, 20))
_runs = itertools.count()


def _noon_offset(zone: str, day: date) -> timedelta:
    return datetime.combine(day, time(12), tzinfo=get_zone(zone)).utcoffset()


def change_days(zone: str) -> list[date]:
    """Days from 2017 to 2030 whose noon offset differs from the day before's."""
    days = [
        date(2017, 1, 1) + timedelta(days=n)
        for n in range((date(2031, 1, 1) - date(2017, 1, 1)).days)
    ]
    return [
        day
        for before, day in itertools.pairwise(days)
        if _noon_offset(zone, before) != _noon_offset(zone, day)
    ]


def ramadan_days() -> list[date]:
    """The middle day of each of Casablanca's Ramadan periods, 2017–2030: an offset that
    differs from the one two months before and after."""
    zone = "Africa/Casablanca"
    inside = [
        day
        for n in range((date(2027, 1, 1) - date(2017, 1, 1)).days)
        for day in [date(2017, 1, 1) + timedelta(days=n)]
        if _noon_offset(zone, day) != _noon_offset(zone, day - timedelta(days=60))
        and _noon_offset(zone, day) != _noon_offset(zone, day + timedelta(days=60))
    ]
    periods: list[list[date]] = []
    for day in inside:
        if periods and day - periods[-1][-1] == timedelta(days=1):
            periods[-1].append(day)
        else:
            periods.append([day])
    return [period[len(period) // 2] for period in periods] + list(LATER_RAMADANS)


CHANGE_DAYS = {zone: change_days(zone) for zone in ZONES}
RAMADAN_DAYS = ramadan_days()

PLAN = st.fixed_dictionaries(
    {
        "day": st.integers(1, 28),
        "day_step": st.integers(1, 27),
        "hour": st.integers(7, 19),
        "minute": st.sampled_from([0, 15, 30, 45]),
        "minutes": st.sampled_from([30, 45, 60, 90, 120, 180]),
        "weekday": st.integers(0, 6),
        "series_hour": st.integers(7, 18),
        "series_minutes": st.sampled_from([60, 90, 120]),
        "quarter_month": st.integers(1, 3),
        "nth": st.integers(1, 4),
        "month_day": st.integers(1, 28),
    }
)


def _first_weekday(year: int, month: int, weekday: int, nth: int = 1) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _sessions_of(zone: str, plan: dict) -> list[datetime]:
    """Wall-clock starts: one in every month, both days around each change, Ramadans."""
    starts = []
    for index, (year, month) in enumerate(MONTHS):
        day = 1 + (plan["day"] - 1 + index * plan["day_step"]) % 28
        hour = 7 + (plan["hour"] - 7 + index * 5) % 13
        starts.append(datetime(year, month, day, hour, plan["minute"]))
    days = [d for change in CHANGE_DAYS[zone] for d in (change - timedelta(days=1), change)]
    if zone == "Africa/Casablanca":
        days += RAMADAN_DAYS
    starts += [datetime.combine(day, time(plan["hour"], plan["minute"])) for day in days]
    return starts


def _thinklabs_of(zone: str, plan: dict, run: int) -> list[Thinklab]:
    hour, minutes = plan["series_hour"], plan["series_minutes"]
    weekday = WEEKDAYS[plan["weekday"]]
    weekly_first = _first_weekday(2017, 1, plan["weekday"])
    quarterly_first = _first_weekday(2017, plan["quarter_month"], plan["weekday"], plan["nth"])
    rules = {
        "weekly": (weekly_first, f"FREQ=WEEKLY;BYDAY={weekday};UNTIL=20301231T235959Z"),
        "quarterly": (
            quarterly_first,
            f"FREQ=MONTHLY;INTERVAL=3;BYDAY={plan['nth']}{weekday};COUNT=56",
        ),
        "monthly": (
            date(2017, 1, plan["month_day"]),
            f"FREQ=MONTHLY;BYMONTHDAY={plan['month_day']}",
        ),
    }
    slug = zone.replace("/", "-").lower()
    return [
        Thinklab(
            slug=f"clock-{run}-{slug}-{kind}",
            name=f"{zone} {kind}",
            timezone=zone,
            first_meeting_local=datetime.combine(first, time(hour)),
            meeting_minutes=minutes,
            rrule=rule,
        )
        for kind, (first, rule) in rules.items()
    ]


# The whole test is one function: the data of a run, its feeds, its readings.
@settings(
    max_examples=2,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(plans=st.fixed_dictionaries({zone: PLAN for zone in ZONES}))
def test_every_feed_and_invitation_reads_alike_and_as_zoneinfo_says(app, client, plans):
    run = next(_runs)
    truth = Truth(UNTIL)
    with app.app_context():
        speaker = make_speaker(name=f"Clock speaker {run}")
        user = make_user()
        user.calendar_token = f"clock-agenda-{run}"
        editions, picked, thinklabs = {}, [], []
        for zone, plan in plans.items():
            edition = make_edition(
                slug=f"clock-{run}-{zone.replace('/', '-').lower()}", timezone=zone
            )
            editions[zone] = edition.slug
            sessions = []
            for index, starts in enumerate(_sessions_of(zone, plan)):
                session_ = ConferenceSession(
                    edition=edition,
                    kind=SessionKind.TALK,
                    title=f"{zone} {starts:%Y-%m-%d %H:%M}",
                    status=SessionStatus.CANCELLED if index % 11 == 5 else SessionStatus.CONFIRMED,
                )
                session_.set_times(starts, starts + timedelta(minutes=plan["minutes"]), zone)
                if index % 4 == 0:
                    session_.speakers.append(SessionSpeaker(speaker=speaker))
                sessions.append(session_)
            db.session.add_all(sessions)
            labs = _thinklabs_of(zone, plan, run)
            db.session.add_all(labs)
            db.session.flush()
            for index, session_ in enumerate(sessions):
                truth.add_session(session_)
                if index % 5 == 0:
                    db.session.add(AgendaEntry(user=user, session=session_))
            # A change day's session, a Ramadan one (last) and one of the months.
            picked += [sessions[len(MONTHS)] if len(sessions) > len(MONTHS) else sessions[0]]
            picked += [sessions[-1], sessions[plan["day"] * 5]]
            monthly = labs[2]
            first = monthly.first_meeting_local
            skipped = MeetingChange(
                thinklab=monthly, timezone=zone, original_local=first.replace(year=2019, month=7)
            )
            skipped.is_cancelled = True
            original = first.replace(year=2024, month=3)
            moved = MeetingChange(
                thinklab=monthly,
                timezone=zone,
                original_local=original,
                starts_local=original + timedelta(days=1, hours=1),
                ends_local=original + timedelta(days=1, hours=1, minutes=monthly.meeting_minutes),
                sequence=1,
            )
            for change in (skipped, moved):
                change.refresh_instants()
                db.session.add(change)
            for lab in labs:
                lab.members.append(
                    ThinklabMember(
                        user=user, name="Clock member", category=StakeholderCategory.CITY
                    )
                )
            thinklabs += labs
        db.session.commit()
        for lab in thinklabs:
            truth.add_thinklab(lab)
        invitations = []
        for session_ in picked:
            # REQUEST, or CANCEL for a cancelled session, as the mails send them.
            invitations.append(session_invitation(session_, "member@example.org"))
        invitations.append(session_invitation(picked[0], "member@example.org", method="CANCEL"))
        for lab in thinklabs:
            invitations.append(thinklab_invitation(lab, "member@example.org", method="REQUEST"))
            skipped = [c for c in lab.occurrence_changes if c.is_cancelled]
            if skipped:
                invitations.append(
                    thinklab_invitation(
                        lab, "member@example.org", method="CANCEL", occurrence=skipped[0]
                    )
                )
            if lab.rrule.startswith("FREQ=WEEKLY"):
                invitations.append(thinklab_invitation(lab, "member@example.org", method="CANCEL"))
        speaker_id = speaker.id
        slugs = [lab.slug for lab in thinklabs]
        session_ids = [session_.id for session_ in picked]
    urls = [f"/editions/{slug}/calendar.ics" for slug in editions.values()]
    urls += [f"/sessions/{session_id}/calendar.ics" for session_id in session_ids]
    urls += [f"/thinklabs/{slug}/calendar.ics" for slug in slugs]
    urls += [f"/speakers/{speaker_id}/calendar.ics", f"/agenda/clock-agenda-{run}.ics"]
    feeds = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        feeds.append(response.data)
    documents = feeds + invitations
    for reading in same_readings(documents, UNTIL):
        truth.check(reading)
    # Each reader gave every one of these instants, and all equal zoneinfo's.
    print(f"{len(documents)} documents, {truth.compared} instants per reader")
    assert truth.compared > 20_000
