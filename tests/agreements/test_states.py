"""The computed state of a commitment, at the boundary dates of its definition."""

from datetime import date
from decimal import Decimal

import pytest

from app.agreements.queries import CommitmentStatus, commitment_status, expected_value

T = Decimal(100)
START, DUE = date(2027, 1, 1), date(2027, 12, 31)  # 364 days
S = CommitmentStatus


def status(latest, today, start=START):
    return commitment_status(T, DUE, None if latest is None else Decimal(latest), today, start)


def test_expected_value_grows_linearly_from_start_to_due():
    assert expected_value(T, START, DUE, START) == 0
    assert expected_value(T, START, DUE, date(2027, 7, 2)) == 50  # 182 of 364 days
    assert expected_value(T, START, DUE, DUE) == 100
    assert expected_value(T, START, DUE, date(2026, 6, 1)) == 0  # before the start
    assert expected_value(T, None, DUE, date(2027, 6, 1)) == 0  # no start: nothing yet


@pytest.mark.parametrize(
    "latest, today, expected",
    [
        ("100", date(2027, 3, 1), S.MET),  # met early
        ("120", date(2028, 3, 1), S.MET),  # met, even after the due date
        ("99.99", DUE, S.ON_TRACK),  # on the due date itself: not late yet
        ("79", DUE, S.AT_RISK),  # 79 < 80 % of 100 expected on the due date
        ("80", DUE, S.ON_TRACK),  # exactly 80 %: on track
        ("99.99", date(2028, 1, 1), S.LATE),  # the day after the due date
        (None, date(2028, 1, 1), S.LATE),
        (None, START, S.ON_TRACK),  # nothing expected on the first day
        (None, date(2027, 1, 2), S.AT_RISK),  # something expected, nothing done
        ("40", date(2027, 7, 2), S.ON_TRACK),  # 40 = 80 % of 50 expected
        ("39.99", date(2027, 7, 2), S.AT_RISK),
    ],
)
def test_state_at_the_boundaries(latest, today, expected):
    assert status(latest, today) is expected


def test_without_a_start_date_only_the_due_date_counts():
    assert status(None, date(2027, 12, 30), start=None) is S.ON_TRACK
    assert status("10", DUE, start=None) is S.AT_RISK
