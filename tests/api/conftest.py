"""The API tests' world: a published edition with its call open, an organiser, two
delegates of different organisations, and tokens for them (secrets kept, ids only)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from app.api import services
from app.extensions import db
from app.models import EditionRoleKind, TokenScope, utcnow
from tests.factories import (
    grant,
    make_edition,
    make_organisation,
    make_room,
    make_track,
    make_user,
    make_venue,
)


@dataclass
class ApiWorld:
    slug: str
    edition_id: int
    track_id: int
    venue_id: int
    room_id: int
    other_room_id: int
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    # Path parameters the OpenAPI fuzzing fills with real objects, by name.
    values: dict = field(default_factory=dict)

    def auth(self, who: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _token(user, scope=TokenScope.READ_WRITE) -> str:
    return services.create_token(user, name="tests", scope=scope, expires_in_days=30)[1]


@pytest.fixture
def world(app) -> ApiWorld:
    with app.app_context():
        now = utcnow()
        edition = make_edition(
            slug="api-edition",
            timezone="Africa/Casablanca",
            call_opens_local=datetime(2020, 1, 1, 9, 0),
            call_closes_local=(now + timedelta(days=60)).replace(tzinfo=None),
        )
        edition.refresh_instants()
        track = make_track(edition, name="Smart governance")
        venue = make_venue(edition, name="Parc des expositions")
        room, other = make_room(venue, name="Hall A"), make_room(venue, name="Hall B")
        mine, theirs = make_organisation(name="Dar Mobility"), make_organisation(name="Other")
        users = {
            "organiser": make_user(),
            "delegate": make_user(organisation=mine),
            "other_delegate": make_user(organisation=theirs),
            "attendee": make_user(),
        }
        grant(users["organiser"], edition, EditionRoleKind.ORGANISER)
        tokens = {name: _token(user) for name, user in users.items()}
        tokens["organiser_read"] = _token(users["organiser"], TokenScope.READ)
        db.session.commit()
        return ApiWorld(
            slug=edition.slug,
            edition_id=edition.id,
            track_id=track.id,
            venue_id=venue.id,
            room_id=room.id,
            other_room_id=other.id,
            users={name: user.id for name, user in users.items()},
            tokens=tokens,
        )


def session_body(world: ApiWorld, **changes) -> dict:
    body = {
        "kind": "talk",
        "title": "Mobility data for cities",
        "room_id": world.room_id,
        "track_id": world.track_id,
        "starts_local": "2027-03-10T10:00:00",
        "ends_local": "2027-03-10T11:00:00",
        "status": "confirmed",
    }
    body.update(changes)
    return body
