"""Page speed: the SQL statement count of the programme and speaker pages is flat."""

from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import SessionKind, SessionShowcase, SessionSpeaker, SessionStatus, Speaker
from tests.factories import (
    make_edition,
    make_organisation,
    make_room,
    make_session,
    make_showcase,
    make_track,
    make_venue,
)

KINDS = list(SessionKind)


def build_edition(slug: str, sessions: int) -> tuple[str, int]:
    """An edition with ``sessions`` sessions, each with its own speakers and showcase.

    Returns the slug and the id of a speaker who speaks in every session.
    """
    edition = make_edition(
        slug=slug, start_date=date(2027, 3, 10), end_date=date(2027, 3, 11), year=2027
    )
    tracks = [make_track(edition, name=f"Axis {n}", position=n) for n in range(3)]
    venues = [make_venue(edition, name=f"{slug} venue {n}", position=n) for n in range(2)]
    rooms = [make_room(venues[n % 2], name=f"Room {n}") for n in range(4)]
    everywhere = make_speaker_with_organisation(f"{slug} star")
    for n in range(sessions):
        day, slot = 10 + n % 2, (n // 8) % 24
        starts = datetime(2027, 3, day, 7 + slot // 2, 30 * (slot % 2))
        ends = datetime(2027, 3, day, 7 + (slot + 1) // 2, 30 * ((slot + 1) % 2))
        room = rooms[(n // 2) % 4]
        session_ = make_session(
            edition,
            starts,
            ends,
            title=f"{slug} session {n}",
            kind=KINDS[n % len(KINDS)],
            track=tracks[n % 3] if n % 5 else None,
            venue=room.venue,
            room=room,
            status=SessionStatus.CANCELLED if n % 7 == 0 else SessionStatus.CONFIRMED,
        )
        session_.speakers.append(SessionSpeaker(speaker=everywhere, position=0))
        session_.speakers.append(
            SessionSpeaker(speaker=make_speaker_with_organisation(f"{slug} {n}"), position=1)
        )
        showcase = make_showcase(edition, make_organisation(name=f"{slug} organisation {n}"))
        session_.showcases.append(SessionShowcase(showcase=showcase))
    db.session.commit()
    return slug, everywhere.id


def make_speaker_with_organisation(name: str) -> Speaker:
    speaker = Speaker(name=name, organisation=make_organisation(name=f"{name} org"))
    db.session.add(speaker)
    db.session.flush()
    return speaker


@pytest.fixture
def small_and_large(app):
    with app.app_context():
        small = build_edition("small", 10)
        large = build_edition("large", 200)
    return small, large


@pytest.mark.parametrize(
    "query",
    ["view=grid", "view=list", "view=list&tz=Asia/Tokyo", "view=grid&day=2027-03-10&kind=talk"],
)
def test_programme_query_count_does_not_grow(client, small_and_large, query, counting_statements):
    (small, _), (large, _) = small_and_large
    small_count = counting_statements.for_page(client, f"/editions/{small}/programme?{query}")
    large_count = counting_statements.for_page(client, f"/editions/{large}/programme?{query}")
    assert small_count == large_count
    assert small_count <= 13  # the edition's texts in other languages: its title


def test_programme_pages_really_list_all_sessions(client, small_and_large):
    (_, _), (large, _) = small_and_large
    html = client.get(f"/editions/{large}/programme?view=list").get_data(as_text=True)
    assert "200 sessions" in html
    assert html.count('<li class="session-item') == 200


def test_speaker_page_query_count_does_not_grow(client, small_and_large, counting_statements):
    (_, small_star), (_, large_star) = small_and_large
    small_count = counting_statements.for_page(client, f"/speakers/{small_star}")
    large_count = counting_statements.for_page(client, f"/speakers/{large_star}")
    assert small_count == large_count
    assert small_count <= 6


def test_session_page_query_count_is_small(client, small_and_large, app, counting_statements):
    with app.app_context():
        from app.models import ConferenceSession

        ids = [
            s.id
            for s in db.session.scalars(
                db.select(ConferenceSession).where(ConferenceSession.title.like("large session%"))
            )
        ][:3]
    counts = {counting_statements.for_page(client, f"/sessions/{id_}") for id_ in ids}
    assert len(counts) == 1
    # The seats block reads the session's bookings once, the breadcrumb the edition's texts.
    assert counts.pop() <= 8
