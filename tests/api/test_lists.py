"""Lists: pages with a total, the programme's filters, allow-listed sorts, updated_since,
and a fixed number of SQL statements whatever the edition's size."""

from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.models import (
    ConferenceSession,
    Registration,
    SessionKind,
    SessionSpeaker,
    SessionStatus,
    Speaker,
    User,
)
from tests.factories import make_edition, make_room, make_track, make_venue


def _bulk_edition(size: int, slug: str) -> str:
    edition = make_edition(slug=slug)
    tracks = [make_track(edition), make_track(edition)]
    room = make_room(make_venue(edition))
    speakers = [Speaker(name=f"Speaker {n}") for n in range(20)]
    db.session.add_all(speakers)
    start = datetime(2027, 3, 10, 8)
    sessions = []
    for n in range(size):
        starts = start + timedelta(minutes=30 * (n % 20), days=n // 20 % 2)
        session_ = ConferenceSession(
            edition=edition,
            title=f"Session {n:05d}",
            kind=SessionKind.TALK if n % 3 else SessionKind.PANEL,
            track=tracks[n % 2],
            room=room,
            status=SessionStatus.CONFIRMED,
        )
        session_.set_times(starts, starts + timedelta(minutes=25), edition.timezone)
        session_.speakers.append(SessionSpeaker(speaker=speakers[n % 20]))
        sessions.append(session_)
    db.session.add_all(sessions)
    db.session.commit()
    return edition.slug


def test_pages_filters_and_sorts(app, client):
    with app.app_context():
        slug = _bulk_edition(30, "list-edition")
    url = f"/api/v1/editions/{slug}/sessions"
    first = client.get(url, query_string={"per_page": 7}).get_json()
    assert first["total"] == 30 and len(first["items"]) == 7 and first["page"] == 1
    last = client.get(url, query_string={"per_page": 7, "page": 5}).get_json()
    assert len(last["items"]) == 2
    panels = client.get(url, query_string={"kind": "panel", "per_page": 100}).get_json()
    assert panels["total"] == 10
    assert {item["kind"] for item in panels["items"]} == {"panel"}
    day = client.get(url, query_string={"day": "2027-03-11"}).get_json()
    assert {item["starts_local"][:10] for item in day["items"]} == {"2027-03-11"}
    by_title = client.get(url, query_string={"sort": "-title", "per_page": 3}).get_json()
    assert [item["title"] for item in by_title["items"]] == [
        "Session 00029",
        "Session 00028",
        "Session 00027",
    ]
    refused = client.get(url, query_string={"sort": "abstract; drop table"})
    assert refused.status_code == 422 and "sort" in refused.get_json()["errors"]
    assert client.get(url, query_string={"per_page": 1000}).status_code == 422


def test_updated_since_returns_only_what_changed(app, client):
    with app.app_context():
        slug = _bulk_edition(5, "sync-edition")
        changed = db.session.scalar(db.select(ConferenceSession).limit(1))
        changed.title = "Renamed"
        db.session.commit()
        since = changed.updated_at
    found = client.get(
        f"/api/v1/editions/{slug}/sessions", query_string={"updated_since": since.isoformat()}
    ).get_json()
    assert [item["title"] for item in found["items"]] == ["Renamed"]
    naive = client.get(
        f"/api/v1/editions/{slug}/sessions", query_string={"updated_since": "2027-01-01T00:00"}
    )
    assert naive.status_code == 422


@pytest.mark.parametrize("per_page", [10, 100])
def test_a_list_costs_the_same_statements_at_100_and_2000_sessions(
    app, client, counting_statements, per_page
):
    counts = []
    for size in (100, 2000):
        with app.app_context():
            slug = _bulk_edition(size, f"count-{size}-{per_page}")
        url = f"/api/v1/editions/{slug}/sessions?per_page={per_page}&sort=starts_at"
        counts.append(counting_statements.for_page(client, url))
        body = client.get(url).get_json()
        assert body["total"] == size and len(body["items"]) == per_page
    assert counts[0] == counts[1], counts


def _bulk_registrations(edition_id: int, size: int, tag: str) -> None:
    people = [
        User(email=f"{tag}-{n}@example.org", password_hash="-", display_name=f"Person {n}")
        for n in range(size)
    ]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(
        Registration(
            user_id=person.id,
            edition_id=edition_id,
            full_name=person.display_name,
            ticket_code=f"{tag}-{person.id}",
        )
        for person in people
    )
    db.session.commit()


def test_registrations_cost_the_same_statements_at_100_and_1000(
    app, client, world, counting_statements
):
    url = f"/api/v1/editions/{world.slug}/registrations?per_page=100&sort=-created_at"
    headers = world.auth("organiser")
    counts = []
    for size, tag in ((100, "small"), (900, "large")):
        with app.app_context():
            _bulk_registrations(world.edition_id, size, tag)
        client.get(url, headers=headers)  # the token's last use is stamped once a minute
        with counting_statements() as statements:
            page = client.get(url, headers=headers)
        assert page.status_code == 200 and len(page.get_json()["items"]) == 100
        counts.append(len(statements))
    assert page.get_json()["total"] == 1000
    assert counts[0] == counts[1], counts
