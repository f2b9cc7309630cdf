"""``flask bench-data`` builds a large published edition from the shared dataset."""

import pytest
from sqlalchemy import func, select

from app import benchdata
from app.benchdata import BenchDataError, build_bench_edition
from app.extensions import db
from app.models import (
    AgendaEntry,
    ConferenceSession,
    Edition,
    EditionStatus,
    Registration,
    Room,
    SessionSpeaker,
    Showcase,
    ShowcaseStatus,
    ShowcaseTransition,
    Speaker,
    Thinklab,
    Track,
    User,
    Venue,
)

SESSIONS = 30


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot(slug: str) -> dict:
    """The edition's content without database ids, to compare two builds."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
    sessions = db.session.scalars(
        select(ConferenceSession)
        .where(ConferenceSession.edition_id == edition.id)
        .order_by(ConferenceSession.starts_at, ConferenceSession.title)
    ).all()
    showcases = db.session.scalars(
        select(Showcase).where(Showcase.edition_id == edition.id).order_by(Showcase.title)
    ).all()
    stars = db.session.execute(
        select(User.email, ConferenceSession.title, ConferenceSession.starts_local)
        .join(AgendaEntry, AgendaEntry.user_id == User.id)
        .join(ConferenceSession, AgendaEntry.session_id == ConferenceSession.id)
        .where(ConferenceSession.edition_id == edition.id)
        .order_by(User.email, ConferenceSession.starts_local, ConferenceSession.title)
    ).all()
    return {
        "sessions": [
            (
                item.title,
                item.kind,
                item.status,
                item.starts_local,
                item.ends_local,
                item.room.name,
                item.track.name if item.track else None,
                tuple((place.speaker.name, place.role) for place in item.speakers),
            )
            for item in sessions
        ],
        "showcases": [
            (item.title, item.status, item.organisation.name, item.kind) for item in showcases
        ],
        "stars": [tuple(row) for row in stars],
    }


def test_bench_data_builds_a_published_edition_and_prints_its_address(app, runner):
    result = runner.invoke(args=["bench-data", "--sessions", str(SESSIONS)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("/editions/bench30")
    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.slug == "bench30"))
        assert edition.status is EditionStatus.PUBLISHED
        assert (edition.end_date - edition.start_date).days == 2
        assert count(Venue, Venue.edition_id == edition.id) == 1
        rooms = count(Room, Room.venue.has(Venue.edition_id == edition.id))
        assert 6 <= rooms <= 12
        assert count(Track, Track.edition_id == edition.id) > 1
        in_edition = ConferenceSession.edition_id == edition.id
        assert count(ConferenceSession, in_edition) == SESSIONS
        speakers_per_session = db.session.execute(
            select(func.min(func.count()).over(), func.max(func.count()).over())
            .select_from(SessionSpeaker)
            .join(ConferenceSession)
            .where(in_edition)
            .group_by(SessionSpeaker.session_id)
        ).first()
        assert 1 <= speakers_per_session[0] and speakers_per_session[1] <= 3
        statuses = set(
            db.session.scalars(select(Showcase.status).where(Showcase.edition_id == edition.id))
        )
        assert statuses == set(ShowcaseStatus)
        assert count(ShowcaseTransition, ShowcaseTransition.showcase.has(edition=edition)) > 0
        assert count(Showcase, Showcase.organisation_id.is_(None)) == 0
        assert count(Registration, Registration.edition_id == edition.id) == 10 * SESSIONS
        assert count(AgendaEntry, AgendaEntry.session.has(in_edition)) >= 2 * 10 * SESSIONS
        thinklab = db.session.scalar(select(Thinklab).where(Thinklab.edition_id == edition.id))
        assert thinklab.rrule.startswith("FREQ=WEEKLY")
        assert thinklab.first_meeting_at is not None


def test_bench_edition_programme_and_exports_answer(app, runner, client):
    assert runner.invoke(args=["bench-data", "--sessions", str(SESSIONS)]).exit_code == 0
    with app.app_context():
        title = db.session.scalar(select(ConferenceSession.title).order_by(ConferenceSession.id))
    for view in ("grid", "list"):
        page = client.get(f"/editions/bench30/programme?view={view}")
        assert page.status_code == 200
        assert title in page.get_data(as_text=True)
    for export in ("calendar.ics", "schedule.xml", "schedule.json"):
        assert client.get(f"/editions/bench30/{export}").status_code == 200


def test_second_run_with_the_same_size_creates_nothing(app, runner):
    assert runner.invoke(args=["bench-data", "--sessions", str(SESSIONS)]).exit_code == 0
    with app.app_context():
        before = (count(ConferenceSession), count(User), count(Speaker), count(AgendaEntry))
    again = runner.invoke(args=["bench-data", "--sessions", str(SESSIONS)])
    assert again.exit_code == 0, again.output
    assert "already exists" in again.output and "nothing created" in again.output
    with app.app_context():
        assert (count(ConferenceSession), count(User), count(Speaker), count(AgendaEntry)) == (
            before
        )


def test_an_edition_of_another_size_under_the_same_name_is_refused(app, runner):
    assert runner.invoke(args=["bench-data", "--sessions", str(SESSIONS)]).exit_code == 0
    with app.app_context():
        db.session.delete(db.session.scalars(select(ConferenceSession)).first())
        db.session.commit()
    result = runner.invoke(args=["bench-data", "--sessions", str(SESSIONS)])
    assert result.exit_code != 0
    assert "already exists with 29 sessions, not 30" in result.output


def test_the_same_size_and_seed_build_the_same_data(app_ctx):
    with db.session.begin_nested() as first:
        first_slug = build_bench_edition(SESSIONS).slug
        first_build = snapshot(first_slug)
        first.rollback()
    assert count(Edition) == 0
    second_slug = build_bench_edition(SESSIONS).slug
    assert second_slug == first_slug
    assert snapshot(second_slug) == first_build
    other_seed = build_bench_edition(SESSIONS, seed=7)
    assert other_seed.slug != first_slug
    assert snapshot(other_seed.slug)["sessions"] != first_build["sessions"]


def test_bench_data_refuses_a_production_configuration(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = runner.invoke(args=["bench-data", "--sessions", str(SESSIONS)])
    assert result.exit_code != 0
    assert "production" in result.output
    with app.app_context():
        assert count(Edition) == 0


def test_a_missing_dataset_generator_is_named(app_ctx, monkeypatch, tmp_path):
    monkeypatch.setattr(benchdata, "DATASET_SCRIPT", tmp_path / "make_dataset.py")
    with pytest.raises(BenchDataError, match="make_dataset.py"):
        build_bench_edition(SESSIONS)
    assert count(Edition) == 0
