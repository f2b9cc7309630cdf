"""The recurrence service: wall-clock rules across DST, skips, moves, refused rules."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import MeetingChange, MeetingMode, Thinklab
from app.thinklabs import services
from app.thinklabs.queries.recurrence import (
    MAX_OCCURRENCES,
    InvalidRecurrence,
    occurrences,
    validate_rule,
)
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("app_ctx")


def weekly_paris(**fields) -> Thinklab:
    fields.setdefault("rrule", "FREQ=WEEKLY;BYDAY=TU")
    thinklab = Thinklab(
        slug=f"tl-{id(fields)}",
        name="Paris call",
        timezone="Europe/Paris",
        first_meeting_local=datetime(2027, 1, 5, 18, 0),
        meeting_minutes=60,
        **fields,
    )
    db.session.add(thinklab)
    db.session.flush()
    return thinklab


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_weekly_call_stays_at_18_00_in_paris_across_both_dst_changes():
    thinklab = weekly_paris()
    found = occurrences(thinklab, utc(2027, 3, 20), utc(2027, 4, 3))
    # 23 March in winter time (UTC+1), 30 March after the change of 28 March (UTC+2).
    assert [o.starts_at for o in found] == [utc(2027, 3, 23, 17), utc(2027, 3, 30, 16)]
    assert {o.starts_in("Europe/Paris").hour for o in found} == {18}
    # Clocks go back on 31 October 2027: 26 October is still UTC+2, 2 November UTC+1.
    autumn = occurrences(thinklab, utc(2027, 10, 25), utc(2027, 11, 3))
    assert [o.starts_at for o in autumn] == [utc(2027, 10, 26, 16), utc(2027, 11, 2, 17)]


def test_an_occurrence_in_the_spring_gap_moves_forward():
    thinklab = weekly_paris(rrule="FREQ=WEEKLY;BYDAY=SU")
    thinklab.first_meeting_local = datetime(2027, 3, 21, 2, 30)
    (gap,) = occurrences(thinklab, utc(2027, 3, 27), utc(2027, 3, 29))
    # 02:30 does not exist on 28 March 2027: read with the offset before, i.e. 03:30 CEST.
    assert gap.starts_at == utc(2027, 3, 28, 1, 30)
    assert gap.starts_in("Europe/Paris").strftime("%H:%M") == "03:30"


def test_a_skipped_occurrence_is_left_out_or_marked():
    thinklab = weekly_paris()
    services.skip_meeting(thinklab, datetime(2027, 1, 12, 18), "Holiday")
    db.session.refresh(thinklab)
    days = [o.day.day for o in occurrences(thinklab, utc(2027, 1, 1), utc(2027, 1, 25))]
    assert days == [5, 19]
    marked = occurrences(thinklab, utc(2027, 1, 1), utc(2027, 1, 25), include_cancelled=True)
    assert [(o.day.day, o.is_cancelled) for o in marked] == [(5, False), (12, True), (19, False)]
    assert marked[1].note == "Holiday"


def test_a_moved_occurrence_keeps_its_own_time_mode_and_place():
    thinklab = weekly_paris()
    services.move_meeting(
        thinklab,
        datetime(2027, 1, 12, 18),
        starts_local=datetime(2027, 1, 14, 9),
        ends_local=datetime(2027, 1, 14, 12),
        meeting_mode=MeetingMode.IN_PERSON,
        note="At the town hall",
    )
    db.session.refresh(thinklab)
    found = occurrences(thinklab, utc(2027, 1, 1), utc(2027, 1, 25))
    moved = [o for o in found if o.is_moved]
    assert len(found) == 3 and len(moved) == 1
    assert moved[0].starts_at == utc(2027, 1, 14, 8) and moved[0].ends_at == utc(2027, 1, 14, 11)
    assert moved[0].mode is MeetingMode.IN_PERSON
    # A range that only holds the new date still finds it; one holding only the old does not.
    assert [o.is_moved for o in occurrences(thinklab, utc(2027, 1, 13), utc(2027, 1, 15))] == [True]
    assert occurrences(thinklab, utc(2027, 1, 12), utc(2027, 1, 13)) == []


def test_moving_refuses_a_time_that_does_not_exist_and_a_date_without_meeting():
    thinklab = weekly_paris()
    with pytest.raises(services.FormErrors) as refused:
        services.move_meeting(
            thinklab,
            datetime(2027, 3, 23, 18),
            starts_local=datetime(2027, 3, 28, 2, 15),
            ends_local=datetime(2027, 3, 28, 4),
        )
    assert "starts_local" in refused.value.errors
    with pytest.raises(services.FormErrors) as refused:
        services.skip_meeting(thinklab, datetime(2027, 3, 24, 18))
    assert "no meeting" in refused.value.errors["original"][0]
    assert db.session.scalars(db.select(MeetingChange)).all() == []


@pytest.mark.parametrize(
    "rule",
    ["FREQ=FORTNIGHTLY", "BYDAY=TU", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY\nEXDATE:20270101"],
)
def test_an_invalid_rule_is_refused(rule):
    with pytest.raises(InvalidRecurrence) as refused:
        validate_rule(rule, datetime(2027, 1, 5, 18), "Europe/Paris")
    assert refused.value.field == "rrule"


def test_rules_that_yield_too_many_meetings_are_refused():
    start = datetime(2027, 1, 5, 18)
    with pytest.raises(InvalidRecurrence, match="never ends"):
        validate_rule("FREQ=DAILY;BYHOUR=8,9,10,11,12,13", start, "Europe/Paris")
    with pytest.raises(InvalidRecurrence, match="more than 1000"):
        validate_rule("FREQ=DAILY;COUNT=5000", start, "Europe/Paris")
    with pytest.raises(InvalidRecurrence, match="more often than daily"):
        validate_rule("FREQ=MINUTELY", start, "Europe/Paris")
    validate_rule("FREQ=WEEKLY;BYDAY=TU", start, "Europe/Paris")  # unbounded but sane
    validate_rule("FREQ=DAILY;UNTIL=20271231T230000Z", start, "Europe/Paris")


def test_an_unbounded_query_or_an_overfull_range_is_refused():
    thinklab = weekly_paris(rrule="FREQ=DAILY")
    with pytest.raises(InvalidRecurrence, match="never ends"):
        occurrences(thinklab, utc(2027, 1, 1))
    with pytest.raises(InvalidRecurrence, match=str(MAX_OCCURRENCES)):
        occurrences(thinklab, utc(2027, 1, 1), utc(2027, 1, 1) + timedelta(days=1500))
    bounded = weekly_paris(rrule="FREQ=WEEKLY;COUNT=3")
    assert len(occurrences(bounded, utc(2020, 1, 1))) == 3


def test_saving_a_thinklab_puts_the_rule_error_next_to_its_field():
    organiser = make_user(is_organiser=True)
    data = {
        "slug": "bad-rule",
        "name": "Bad rule",
        "timezone": "Europe/Paris",
        "first_meeting_local": datetime(2027, 1, 5, 18),
        "meeting_minutes": 60,
        "rrule": "FREQ=DAILY;INTERVAL=0",
        "meeting_mode": "online",
        "online_url": "https://visio.example.org/x",
    }
    with pytest.raises(services.FormErrors) as refused:
        services.save_thinklab(data, user=organiser)
    assert list(refused.value.errors) == ["rrule"]
    assert db.session.scalar(db.select(Thinklab).where(Thinklab.slug == "bad-rule")) is None
    data["rrule"] = "FREQ=WEEKLY;BYDAY=TU"
    data["first_meeting_local"] = datetime(2027, 3, 28, 2, 30)
    with pytest.raises(services.FormErrors) as refused:
        services.save_thinklab(data, user=organiser)
    assert "does not exist" in refused.value.errors["first_meeting_local"][0]
