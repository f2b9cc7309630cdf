"""A feed or schedule export costs the same number of SQL statements at any size."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db
from app.models import SessionSpeaker
from tests.factories import (
    make_edition,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_venue,
)


def _count_queries(client, url) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("export", ["calendar.ics", "schedule.xml", "schedule.json"])
def test_feed_query_count_does_not_grow_with_the_sessions(app, client, export):
    counts = []
    for size in (10, 200):
        with app.app_context():
            edition = make_edition(slug=f"bulk-{export}-{size}")
            track = make_track(edition)
            room = make_room(make_venue(edition))
            speaker = make_speaker()
            start = datetime(2027, 3, 10, 8)
            for n in range(size):
                starts = start + timedelta(minutes=30 * (n % 20), days=n // 20 % 2)
                session_ = make_session(
                    edition, starts, starts + timedelta(minutes=25), track=track, room=room
                )
                session_.speakers.append(SessionSpeaker(speaker=speaker))
            db.session.commit()
            slug = edition.slug
        counts.append(_count_queries(client, f"/editions/{slug}/{export}"))
    assert counts[0] == counts[1], counts
