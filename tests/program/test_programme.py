"""The public programme's reads: filters, ordering, filter choices, query parsing and the grid."""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import ConferenceSession, Edition, EditionStatus, Room, SessionKind, SessionStatus
from app.program.queries.grid import build_grid, group_by_day
from app.program.queries.programme import (
    ProgrammeFilters,
    filter_options,
    parse_programme_query,
    programme_sessions,
    speaker_with_public_sessions,
)
from tests.factories import make_edition, make_room, make_session, make_track, make_venue
from tests.program.conftest import build_programme


def _edition(built) -> Edition:
    return db.session.get(Edition, built.edition_id)


def titles(sessions: list[ConferenceSession]) -> list[str]:
    return [s.title for s in sessions]


def test_sessions_come_in_time_order_with_cancelled_ones(app_ctx):
    built = build_programme()
    sessions = programme_sessions(_edition(built))
    assert titles(sessions) == [
        "Opening keynote",
        "Cancelled talk on sensors",  # 10:30-11:30 ends before the panel's 12:00
        "Metropolitan transitions panel",
        "Startup showcases",
        "Moved workshop",
    ]
    assert [s.starts_at for s in sessions] == sorted(s.starts_at for s in sessions)


def test_sessions_of_other_editions_stay_out(app_ctx):
    built = build_programme()
    other = make_edition(slug="other")
    make_session(other, title="Elsewhere")
    assert "Elsewhere" not in titles(programme_sessions(_edition(built)))


def test_filter_by_track(app_ctx):
    built = build_programme()
    found = programme_sessions(
        _edition(built), ProgrammeFilters(track_id=built.tracks["governance"])
    )
    assert titles(found) == ["Opening keynote", "Moved workshop"]


def test_filter_by_kind(app_ctx):
    built = build_programme()
    found = programme_sessions(_edition(built), ProgrammeFilters(kind=SessionKind.PANEL))
    assert titles(found) == ["Metropolitan transitions panel"]


def test_filter_by_day_uses_the_venues_wall_clock(app_ctx):
    edition = make_edition(
        slug="casa-2023",
        year=2023,
        start_date=date(2023, 3, 9),
        end_date=date(2023, 3, 10),
    )
    # 00:30 on 10 March in Casablanca (UTC+1) is still 9 March in UTC.
    early = make_session(edition, datetime(2023, 3, 10, 0, 30), datetime(2023, 3, 10, 1, 30))
    assert early.starts_at == datetime(2023, 3, 9, 23, 30, tzinfo=UTC)
    make_session(edition, datetime(2023, 3, 9, 22, 0), datetime(2023, 3, 9, 23, 0), title="Eve")
    found = programme_sessions(edition, ProgrammeFilters(day=date(2023, 3, 10)))
    assert found == [early]
    assert titles(programme_sessions(edition, ProgrammeFilters(day=date(2023, 3, 9)))) == ["Eve"]


def test_filter_by_venue_includes_sessions_known_only_by_their_room(app_ctx):
    built = build_programme()
    edition = _edition(built)
    annex_room = db.session.get(Room, built.rooms["lab"])
    make_session(
        edition,
        datetime(2027, 3, 11, 16, 0),
        datetime(2027, 3, 11, 17, 0),
        title="Room only",
        room=annex_room,
    )
    found = programme_sessions(edition, ProgrammeFilters(venue_id=built.venues["annex"]))
    assert titles(found) == ["Startup showcases", "Moved workshop", "Room only"]


def test_filters_combine(app_ctx):
    built = build_programme()
    edition = _edition(built)
    found = programme_sessions(
        edition,
        ProgrammeFilters(track_id=built.tracks["ecology"], day=date(2027, 3, 10)),
    )
    assert titles(found) == ["Cancelled talk on sensors", "Metropolitan transitions panel"]
    found = programme_sessions(
        edition,
        ProgrammeFilters(
            track_id=built.tracks["ecology"], kind=SessionKind.TALK, venue_id=built.venues["centre"]
        ),
    )
    assert titles(found) == ["Cancelled talk on sensors"]
    assert (
        programme_sessions(
            edition, ProgrammeFilters(track_id=built.tracks["ecology"], day=date(2027, 3, 11))
        )
        == []
    )


def test_filter_options(app_ctx):
    built = build_programme()
    options = filter_options(_edition(built))
    assert [t.name for t in options.tracks] == ["Smart governance", "Ecology"]
    assert [v.name for v in options.venues] == ["Parc des expositions", "Technopark"]
    assert options.kinds == [
        SessionKind.KEYNOTE,
        SessionKind.PANEL,
        SessionKind.TALK,
        SessionKind.SHOWCASE_SLOT,
        SessionKind.WORKSHOP,
    ]
    assert options.days == [date(2027, 3, 10), date(2027, 3, 11)]


def test_parse_reads_good_values(app_ctx):
    built = build_programme()
    options = filter_options(_edition(built))
    parsed = parse_programme_query(
        {
            "view": "list",
            "track": str(built.tracks["ecology"]),
            "kind": "panel",
            "day": "2027-03-10",
            "venue": str(built.venues["centre"]),
            "tz": "Europe/Paris",
        },
        options,
    )
    assert parsed.notices == []
    assert parsed.view == "list"
    assert parsed.zone == "Europe/Paris"
    assert parsed.filters == ProgrammeFilters(
        track_id=built.tracks["ecology"],
        kind=SessionKind.PANEL,
        day=date(2027, 3, 10),
        venue_id=built.venues["centre"],
    )
    assert parsed.as_query() == {
        "view": "list",
        "track": str(built.tracks["ecology"]),
        "kind": "panel",
        "day": "2027-03-10",
        "venue": str(built.venues["centre"]),
        "tz": "Europe/Paris",
    }


@pytest.mark.parametrize(
    "args",
    [
        {"track": "999999"},
        {"track": "abc"},
        {"track": "-1"},
        {"kind": "circus"},
        {"day": "2027-13-45"},
        {"day": "tomorrow"},
        {"day": "2031-01-01"},
        {"venue": "0"},
        {"tz": "Mars/Olympus_Mons"},
        {"view": "calendar"},
    ],
)
def test_parse_ignores_bad_values_and_says_so(app_ctx, args):
    built = build_programme()
    parsed = parse_programme_query(args, filter_options(_edition(built)))
    assert parsed.filters == ProgrammeFilters()
    assert parsed.zone is None
    assert parsed.view == "grid"
    assert len(parsed.notices) == 1


def test_parse_refuses_a_track_of_another_edition(app_ctx):
    built = build_programme()
    foreign = make_track(make_edition(slug="elsewhere"), name="Foreign")
    parsed = parse_programme_query({"track": str(foreign.id)}, filter_options(_edition(built)))
    assert parsed.filters.track_id is None
    assert parsed.notices


def test_grid_lays_rooms_across_and_spans_rows(app_ctx):
    built = build_programme()
    grid = build_grid(programme_sessions(_edition(built)))
    assert [g.day for g in grid] == [date(2027, 3, 10), date(2027, 3, 11)]
    first = grid[0]
    assert [c.room.name for c in first.columns] == ["Hall A", "Studio B"]
    assert not first.has_several_venues
    # Bounds 09:00, 10:00, 10:30, 11:30 (12:00 closes the day).
    assert [r.starts_at.hour * 60 + r.starts_at.minute for r in first.rows] == [
        540,
        600,
        630,
        690,
    ]
    panel_cell = first.rows[2].cells[1]
    assert panel_cell.rowspan == 2
    assert titles(panel_cell.sessions) == ["Metropolitan transitions panel"]
    assert first.rows[3].cells[1] is True  # spanned by the panel
    assert first.rows[1].cells == [None, None]


def test_grid_puts_overlapping_sessions_of_a_room_in_one_cell(app_ctx):
    edition = make_edition(slug="overlap")
    room = make_room(make_venue(edition))
    make_session(
        edition,
        datetime(2027, 3, 10, 10),
        datetime(2027, 3, 10, 11),
        title="Old",
        room=room,
        status=SessionStatus.CANCELLED,
    )
    make_session(
        edition,
        datetime(2027, 3, 10, 10, 30),
        datetime(2027, 3, 10, 11, 30),
        title="New",
        room=room,
    )
    (day,) = build_grid(programme_sessions(edition))
    cell = day.rows[0].cells[0]
    assert titles(cell.sessions) == ["Old", "New"]
    assert cell.rowspan == len(day.rows) == 3


def test_group_by_day(app_ctx):
    built = build_programme()
    days = group_by_day(programme_sessions(_edition(built)))
    assert [(day, len(items)) for day, items in days] == [
        (date(2027, 3, 10), 3),
        (date(2027, 3, 11), 2),
    ]


def test_speaker_sessions_only_in_public_editions(app_ctx):
    built = build_programme()
    draft = build_programme(slug="draft-2027", status=EditionStatus.DRAFT)
    speaker, places = speaker_with_public_sessions(built.speakers["amina"])
    assert speaker.name == "Amina Benali"
    assert [p.session.edition.slug for p in places] == ["casa-2027", "casa-2027"]
    _, none = speaker_with_public_sessions(draft.speakers["karim"])
    assert none == []
    assert speaker_with_public_sessions(987654) == (None, [])
