"""Organiser services: create and edit with bad input, structure, publication, copy, dashboard."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.editions import queries, services
from app.editions.services import editions as edition_services
from app.errors import Conflict, FormErrors
from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Edition,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    InvitationStatus,
    Registration,
    SessionSpeaker,
    SessionStatus,
    ShowcaseStatus,
    Track,
)
from app.permissions import organises_an_edition
from tests.editions.conftest import build_casablanca
from tests.factories import (
    make_edition,
    make_organisation,
    make_room,
    make_series,
    make_session,
    make_showcase,
    make_speaker,
    make_track,
    make_user,
    make_venue,
)


@pytest.fixture(autouse=True)
def request_ctx(app):
    """Services speak the reader's language, so they run in a (test) request context."""
    with app.test_request_context():
        yield


def edition_data(**changes) -> dict:
    data = {
        "slug": "casablanca-smart-city-2024",
        "number": 8,
        "year": 2024,
        "title": "Casablanca Smart City 2024",
        "theme": "",
        "description": "",
        "format": "agora",
        "timezone": "Africa/Casablanca",
        "start_date": date(2024, 10, 8),
        "end_date": date(2024, 10, 10),
        "patronage": "",
        "organised_by": "",
        "call_opens_local": datetime(2024, 5, 1, 9, 0),
        "call_closes_local": datetime(2024, 9, 1, 18, 0),
    }
    data.update(changes)
    return data


def count_editions() -> int:
    return db.session.scalar(select(func.count()).select_from(Edition))


# Creating and editing ---------------------------------------------------------------------


def test_create_edition_derives_the_call_window_instants():
    series = make_series()
    edition = services.create_edition(series, edition_data())
    assert edition.status is EditionStatus.DRAFT
    assert edition.format is EditionFormat.AGORA
    # Morocco keeps UTC+1 outside Ramadan in 2024.
    assert edition.call_opens_at.isoformat() == "2024-05-01T08:00:00+00:00"


def test_a_creator_who_is_not_a_site_organiser_organises_the_new_edition():
    user = make_user()
    edition = services.create_edition(make_series(), edition_data(), created_by=user)
    assert [(r.user_id, r.role) for r in edition.roles] == [(user.id, EditionRoleKind.ORGANISER)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": date(2024, 10, 1)}, "end_date"),
        ({"timezone": "Africa/Atlantis"}, "timezone"),
        # Clocks in Casablanca jump from 02:00 to 03:00 on 14 April 2024 (end of Ramadan).
        ({"call_opens_local": datetime(2024, 4, 14, 2, 30)}, "call_opens_local"),
        ({"call_closes_local": datetime(2024, 4, 1, 9, 0)}, "call_closes_local"),
    ],
)
def test_bad_edition_input_is_refused_by_field_and_nothing_is_saved(changes, field):
    series = make_series()
    before = count_editions()
    with pytest.raises(FormErrors) as refused:
        services.create_edition(series, edition_data(**changes))
    assert field in refused.value.errors
    assert count_editions() == before


def test_a_duplicate_slug_or_number_is_refused():
    edition = build_casablanca()
    with pytest.raises(FormErrors) as refused:
        services.create_edition(edition.series, edition_data(slug=edition.slug, number=7))
    assert set(refused.value.errors) == {"slug", "number"}


def test_a_slug_taken_between_check_and_save_becomes_a_field_error(monkeypatch):
    edition = build_casablanca()
    monkeypatch.setattr(edition_services, "_validate_edition", lambda *a, **k: {})
    before = count_editions()
    with pytest.raises(FormErrors) as refused:
        services.create_edition(make_series(), edition_data(slug=edition.slug))
    assert list(refused.value.errors) == ["slug"]
    assert count_editions() == before
    assert db.session.get(Edition, edition.id).title == "Casablanca Smart City 2023"


def test_a_stale_edit_is_refused():
    edition = build_casablanca()
    version = queries.version_of(edition)
    services.update_edition(
        edition,
        edition_data(
            slug=edition.slug,
            number=7,
            year=2023,
            start_date=edition.start_date,
            end_date=edition.end_date,
            call_opens_local=None,
            call_closes_local=None,
            title="Changed by Amina",
        ),
        version=version,
    )
    assert queries.version_of(edition) != version
    with pytest.raises(services.StaleEdit, match="changed meanwhile"):
        services.update_edition(edition, edition_data(title="Changed by Youssef"), version=version)
    assert edition.title == "Changed by Amina"


def test_a_published_edition_cannot_be_made_incoherent():
    edition = build_casablanca()
    data = edition_data(
        slug=edition.slug,
        number=7,
        year=2023,
        start_date=date(2023, 11, 1),
        end_date=date(2023, 11, 2),
        call_opens_local=None,
        call_closes_local=None,
    )
    with pytest.raises(FormErrors) as refused:
        services.update_edition(edition, data)
    assert any("Parc des expositions" in m for m in refused.value.errors[""])
    # The refused change was undone with its savepoint: the edition reads as before.
    assert edition.start_date == date(2023, 10, 10)


def test_series_slugs_are_unique():
    make_series(slug="bizerte-smart-city")
    with pytest.raises(FormErrors) as refused:
        services.create_series(slug="bizerte-smart-city", name="Bizerte")
    assert list(refused.value.errors) == ["slug"]


# Tracks, venues, rooms --------------------------------------------------------------------


def test_track_colours_must_be_hex():
    edition = build_casablanca()
    with pytest.raises(FormErrors) as refused:
        services.save_track(edition, name="Mobility", colour="red")
    assert list(refused.value.errors) == ["colour"]
    track = services.save_track(edition, name="Mobility", colour="#ABCDEF")
    assert track.colour == "#abcdef" and track.position == 5


def test_venue_dates_outside_the_edition_and_unknown_zones_are_refused():
    edition = build_casablanca()
    data = {
        "name": "Stop",
        "town": "Rabat",
        "timezone": "Europe/Nowhere",
        "start_date": date(2023, 10, 9),
        "end_date": date(2023, 10, 13),
    }
    with pytest.raises(FormErrors) as refused:
        services.save_venue(edition, data)
    assert set(refused.value.errors) == {"timezone", "start_date", "end_date"}
    venue = services.save_venue(
        edition,
        {**data, "timezone": "", "start_date": date(2023, 10, 11), "end_date": date(2023, 10, 11)},
    )
    assert venue.timezone is None and venue.position == 1


def test_things_used_by_sessions_are_not_deleted():
    edition = build_casablanca()
    track, venue = edition.tracks[0], edition.venues[0]
    room = venue.rooms[0]
    make_session(
        edition,
        datetime(2023, 10, 10, 10),
        datetime(2023, 10, 10, 11),
        track=track,
        venue=venue,
        room=room,
    )
    for remove, obj in (
        (services.delete_track, track),
        (services.delete_venue, venue),
        (services.delete_room, room),
    ):
        with pytest.raises(Conflict):
            remove(obj)
    spare = edition.tracks[1]
    services.delete_track(spare)
    assert db.session.get(Track, spare.id) is None


def test_a_room_with_sessions_keeps_its_venue():
    edition = build_casablanca()
    venue = edition.venues[0]
    make_session(
        edition, datetime(2023, 10, 10, 10), datetime(2023, 10, 10, 11), room=venue.rooms[1]
    )
    with pytest.raises(Conflict, match="Parc des expositions"):
        services.delete_venue(venue)


# Publication ------------------------------------------------------------------------------


def test_a_coherent_edition_has_no_problem():
    assert queries.publication_problems(build_casablanca()) == []


def test_publication_problems_list_everything_wrong():
    edition = make_edition(
        status=EditionStatus.DRAFT,
        timezone="Mars/Olympus_Mons",
        start_date=date(2027, 3, 10),
        end_date=date(2027, 3, 11),
        call_opens_local=datetime(2027, 1, 1, 9, 0),
        call_closes_local=datetime(2027, 3, 20, 9, 0),
    )
    problems = queries.publication_problems(edition)
    assert any("Mars/Olympus_Mons" in p for p in problems)
    assert any("no venue" in p for p in problems)
    assert any("closes after the edition ends" in p for p in problems)


def test_an_end_before_the_start_is_a_problem():
    edition = build_casablanca()
    with db.session.no_autoflush:
        edition.end_date = date(2023, 10, 1)
        problems = queries.publication_problems(edition)
    assert "The edition ends before it starts." in problems
    db.session.rollback()


def test_venues_and_sessions_outside_the_edition_days_are_problems():
    edition = build_casablanca()
    make_venue(
        edition, name="Late stop", start_date=date(2023, 10, 14), end_date=date(2023, 10, 14)
    )
    # 00:30 on the 13th in Shanghai is still the 12th in Casablanca: its own zone counts.
    make_session(
        edition,
        datetime(2023, 10, 13, 0, 30),
        datetime(2023, 10, 13, 1, 30),
        timezone="Asia/Shanghai",
        title="Call with Leshan",
    )
    # Ending at midnight is the last minute of the 12th, not a day more.
    make_session(
        edition, datetime(2023, 10, 12, 23, 0), datetime(2023, 10, 13, 0, 0), title="Closing party"
    )
    problems = queries.publication_problems(edition)
    assert len(problems) == 2
    assert "Late stop" in problems[0] and "Call with Leshan" in problems[1]


def test_publish_refuses_an_incoherent_edition_and_sets_published_at_otherwise():
    edition = make_edition(status=EditionStatus.DRAFT)
    with pytest.raises(FormErrors) as refused:
        services.publish_edition(edition)
    assert refused.value.errors[""] == ["The edition has no venue."]
    assert edition.status is EditionStatus.DRAFT and edition.published_at is None
    make_venue(edition)
    db.session.refresh(edition)
    services.publish_edition(edition)
    assert edition.status is EditionStatus.PUBLISHED and edition.published_at is not None


def test_back_to_draft_only_when_nobody_relies_on_the_edition():
    edition = build_casablanca()
    services.change_status(edition, EditionStatus.DRAFT)
    assert edition.status is EditionStatus.DRAFT and edition.published_at is None
    services.change_status(edition, EditionStatus.PUBLISHED)
    db.session.add(Registration(user=make_user(), edition=edition))
    db.session.flush()
    with pytest.raises(FormErrors, match="registered"):
        services.change_status(edition, EditionStatus.DRAFT)
    services.change_status(edition, EditionStatus.ARCHIVED)
    assert edition.status is EditionStatus.ARCHIVED
    with pytest.raises(Conflict):
        services.change_status(edition, EditionStatus.ARCHIVED)


# Copy -------------------------------------------------------------------------------------


def test_copy_builds_the_8th_casablanca_edition_from_the_7th():
    seventh = build_casablanca()
    organiser = make_user()
    defaults = queries.next_edition_defaults(seventh)
    assert defaults == {
        "number": 8,
        "year": 2024,
        "slug": "casablanca-smart-city-2024",
        "title": "Casablanca Smart City 2024",
    }
    result = services.copy_edition(seventh, **defaults, created_by=organiser)
    eighth = result.edition
    assert result.notes == []
    assert eighth.status is EditionStatus.DRAFT and eighth.series is seventh.series
    assert (eighth.format, eighth.timezone, eighth.theme) == (
        seventh.format,
        seventh.timezone,
        seventh.theme,
    )
    assert (eighth.start_date, eighth.end_date) == (date(2024, 10, 10), date(2024, 10, 12))
    assert [(t.name, t.colour) for t in eighth.tracks] == [
        (t.name, t.colour) for t in seventh.tracks
    ]
    [venue] = eighth.venues
    assert (venue.start_date, venue.end_date) == (date(2024, 10, 10), date(2024, 10, 12))
    assert sorted((r.name, r.capacity) for r in venue.rooms) == [
        ("Agora hall", 800),
        ("Workshop room", 60),
    ]
    assert [c.name for c in eighth.review_criteria] == ["Impact"]
    assert eighth.call_opens_local == datetime(2024, 6, 1, 9, 0)
    assert eighth.call_closes_at.isoformat() == "2024-09-15T17:00:00+00:00"
    assert [(r.user_id, r.role) for r in eighth.roles] == [
        (organiser.id, EditionRoleKind.ORGANISER)
    ]
    assert queries.publication_problems(eighth) == []
    # The 7th keeps its own structure.
    assert len(seventh.tracks) == 5 and seventh.venues[0].start_date == date(2023, 10, 10)


def test_copy_leaves_out_a_call_time_that_does_not_exist_next_year():
    seventh = build_casablanca()
    # 02:30 on 14 April exists in 2023 but is skipped by Casablanca's clocks in 2024.
    seventh.call_opens_local = datetime(2023, 4, 14, 2, 30)
    seventh.refresh_instants()
    result = services.copy_edition(seventh, slug="casa-2024", number=8, year=2024, title="2024")
    assert result.edition.call_opens_local is None and result.edition.call_closes_local is None
    assert "does not exist" in result.notes[0]


def test_copy_refuses_a_taken_slug_and_saves_nothing():
    seventh = build_casablanca()
    before = count_editions()
    with pytest.raises(FormErrors) as refused:
        services.copy_edition(seventh, slug=seventh.slug, number=8, year=2024, title="2024")
    assert list(refused.value.errors) == ["slug"]
    assert count_editions() == before


# Dashboard --------------------------------------------------------------------------------


def test_dashboard_counts_what_an_organiser_follows():
    edition = build_casablanca()
    governance = edition.tracks[0]
    startup = make_organisation()
    make_showcase(edition, startup, track=governance, status=ShowcaseStatus.SUBMITTED)
    make_showcase(edition, startup, track=governance, status=ShowcaseStatus.ACCEPTED)
    make_showcase(edition, startup, status=ShowcaseStatus.SUBMITTED)
    first = make_session(edition, datetime(2023, 10, 10, 10), datetime(2023, 10, 10, 11))
    make_session(
        edition,
        datetime(2023, 10, 11, 10),
        datetime(2023, 10, 11, 11),
        status=SessionStatus.CANCELLED,
    )
    confirmed, invited, attendee = make_speaker(), make_speaker(), make_user()
    db.session.add_all(
        [
            SessionSpeaker(session=first, speaker=confirmed, invitation=InvitationStatus.CONFIRMED),
            SessionSpeaker(session=first, speaker=invited, invitation=InvitationStatus.INVITED),
            Agreement(
                kind=AgreementKind.CONVENTION,
                title="Convention",
                edition=edition,
                status=AgreementStatus.SIGNED,
            ),
            Registration(user=attendee, edition=edition),
        ]
    )
    db.session.flush()
    board = queries.dashboard(edition)
    assert board.showcases_by_axis[0] == (
        "Smart governance",
        {ShowcaseStatus.SUBMITTED: 1, ShowcaseStatus.ACCEPTED: 1},
        2,
    )
    assert board.showcases_by_axis[-1][0] == "No axis"
    assert [(day, total) for day, _counts, total in board.sessions_by_day] == [
        (date(2023, 10, 10), 1),
        (date(2023, 10, 11), 1),
    ]
    assert board.sessions_by_day[1][1] == {SessionStatus.CANCELLED: 1}
    assert (board.speakers_confirmed, board.speakers_total) == (1, 2)
    assert dict(board.agreements_by_status)[AgreementStatus.SIGNED] == 1
    assert board.registrations == 1
    bars = board.charts[0].bars
    assert bars[0].width > 0 and bars[0].colour == governance.colour


def test_organised_editions_are_those_of_the_roles():
    mine, theirs = make_edition(), make_edition()
    user = make_user()
    db.session.add(EditionRole(user=user, edition=mine, role=EditionRoleKind.ORGANISER))
    db.session.flush()
    assert queries.organised_editions(user) == [mine]
    assert theirs in queries.organised_editions(make_user(is_organiser=True))
    assert organises_an_edition(user)
    make_track(mine)
    make_room(make_venue(mine))
