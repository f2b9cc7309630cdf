"""Wall-clock times are the truth; UTC instants follow the time-zone data."""

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import ConferenceSession
from app.timezones import (
    NonexistentLocalTime,
    UnknownZone,
    local_to_utc,
    zone_label,
)
from tests.factories import make_edition, make_session


def test_pinned_data_knows_morocco_left_utc_plus_one_in_2026():
    assert local_to_utc(datetime(2026, 9, 19, 10), "Africa/Casablanca").hour == 9
    assert local_to_utc(datetime(2026, 12, 1, 10), "Africa/Casablanca").hour == 10


def test_casablanca_labels_before_and_after_the_change():
    before = local_to_utc(datetime(2023, 5, 15, 10), "Africa/Casablanca")
    after = local_to_utc(datetime(2026, 11, 30, 10), "Africa/Casablanca")
    assert zone_label(before, "Africa/Casablanca") == "Casablanca, UTC+1"
    assert zone_label(after, "Africa/Casablanca") == "Casablanca, UTC"


def test_gap_and_unknown_zone_are_refused():
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(datetime(2027, 3, 28, 2, 30), "Europe/Paris")
    with pytest.raises(UnknownZone):
        local_to_utc(datetime(2027, 3, 28, 10), "Mars/Olympus_Mons")


def test_ambiguous_time_takes_the_first_instant():
    instant = local_to_utc(datetime(2027, 10, 31, 2, 30), "Europe/Paris")
    assert instant == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_tz_refresh_keeps_the_casablanca_wall_time(app, runner):
    """A session set at 10:00 in Casablanca under the old rules (UTC+1) stays at 10:00."""
    with app.app_context():
        edition = make_edition(timezone="Africa/Casablanca")
        row = make_session(edition, datetime(2026, 12, 1, 10), datetime(2026, 12, 1, 11))
        # What the instants were when derived with the rules before 2026 (UTC+1).
        row.starts_at = datetime(2026, 12, 1, 9, tzinfo=UTC)
        row.ends_at = datetime(2026, 12, 1, 10, tzinfo=UTC)
        db.session.commit()
        session_id = row.id

    result = runner.invoke(args=["tz-refresh"])
    assert result.exit_code == 0, result.output
    assert "ConferenceSession: 1 changed" in result.output

    with app.app_context():
        row = db.session.get(ConferenceSession, session_id)
        assert row.starts_local == datetime(2026, 12, 1, 10)
        assert row.starts_at == datetime(2026, 12, 1, 10, tzinfo=UTC)
        assert row.ends_at == datetime(2026, 12, 1, 11, tzinfo=UTC)
    again = runner.invoke(args=["tz-refresh"])
    assert "0 rows" in again.output


def test_tz_refresh_reports_a_wall_time_the_rules_now_skip(app, runner, monkeypatch):
    """A time in a new DST gap keeps its instants and is named, and the others still move."""
    import app.models.scheduling as scheduling

    with app.app_context():
        edition = make_edition(timezone="Europe/Paris")
        kept = make_session(edition, datetime(2027, 6, 1, 10), datetime(2027, 6, 1, 11))
        kept_id, kept_start = kept.id, kept.starts_at
        db.session.commit()

    real = scheduling.local_to_utc

    def new_rules(local, zone):
        if local == datetime(2027, 6, 1, 10):
            raise NonexistentLocalTime("2027-06-01 10:00 does not exist in Europe/Paris")
        return real(local, zone)

    monkeypatch.setattr(scheduling, "local_to_utc", new_rules)
    result = runner.invoke(args=["tz-refresh"])
    assert result.exit_code == 1
    assert f"ConferenceSession {kept_id}: 2027-06-01 10:00 does not exist" in result.output
    with app.app_context():
        assert db.session.get(ConferenceSession, kept_id).starts_at == kept_start
