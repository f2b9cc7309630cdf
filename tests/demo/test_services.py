"""The services behind the demo's pages: next meetings and commitments."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.agreements.queries import commitment_states, format_number
from app.demo import THINKLAB_SLUG, load_demo
from app.extensions import db
from app.models import Agreement, AgreementKind, Thinklab
from app.thinklabs.queries import roadmap_by_horizon, upcoming_meetings

pytestmark = pytest.mark.usefixtures("app_ctx")


def test_next_meetings_follow_the_rule_and_its_exceptions():
    load_demo()
    thinklab = db.session.scalar(select(Thinklab).where(Thinklab.slug == THINKLAB_SLUG))
    meetings = upcoming_meetings(thinklab, now=datetime(2026, 11, 24, tzinfo=UTC), limit=3)
    moved, skipped, june, september = meetings
    # Moved from 8 December 14:00 to 15 December 15:00 on Tunis's clock (UTC+1).
    assert moved.is_moved and moved.original_local == datetime(2026, 12, 8, 14)
    assert moved.starts_at == datetime(2026, 12, 15, 14, tzinfo=UTC)
    assert skipped.is_cancelled and skipped.day == date(2027, 3, 9)
    assert june.starts_at == datetime(2027, 6, 8, 13, tzinfo=UTC)
    assert september.day == date(2027, 9, 14)
    assert not (june.is_moved or june.is_cancelled)


def test_a_meeting_in_progress_is_still_upcoming():
    load_demo()
    thinklab = db.session.scalar(select(Thinklab).where(Thinklab.slug == THINKLAB_SLUG))
    meetings = upcoming_meetings(thinklab, now=datetime(2027, 6, 8, 14, tzinfo=UTC), limit=1)
    assert meetings[0].starts_at == datetime(2027, 6, 8, 13, tzinfo=UTC)


def test_a_thinklab_without_a_rule_meets_once():
    thinklab = Thinklab(slug="once", name="Once", timezone="Europe/Paris")
    thinklab.first_meeting_local = datetime(2030, 3, 31, 2, 30)  # in the spring-forward gap
    db.session.add(thinklab)
    db.session.flush()
    (meeting,) = upcoming_meetings(thinklab, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert meeting.starts_at == datetime(2030, 3, 31, 1, 30, tzinfo=UTC)


def test_roadmap_groups_by_horizon():
    load_demo()
    thinklab = db.session.scalar(select(Thinklab).where(Thinklab.slug == THINKLAB_SLUG))
    assert [year for year, _ in roadmap_by_horizon(thinklab)] == [2027, 2047, 2050]


def test_e_madina_commitments_show_which_were_late():
    load_demo()
    programme = db.session.scalar(select(Agreement).where(Agreement.kind == AgreementKind.PPP))
    states = {s.commitment.title: s for s in commitment_states(programme, date(2026, 1, 1))}
    targets = sorted(int(s.commitment.target_value) for s in states.values())
    assert targets == [50, 80, 100, 150, 240]
    assert not states["Projets smart accompagnés"].is_late
    assert states["Projets de R&D collaboratifs"].is_late
    assert states["Projets de R&D collaboratifs"].reached_on == date(2018, 6, 30)
    late = states["Startups coachées — accélération"]
    assert late.is_late and late.reached_on is None and late.percent == 82


def test_numbers_lose_their_trailing_zeros():
    from decimal import Decimal

    assert format_number(Decimal("50.00")) == "50"
    assert format_number(Decimal("12.50")) == "12.5"
    assert format_number(None) == ""
