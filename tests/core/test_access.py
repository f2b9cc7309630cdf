"""The access table: every route declares who may reach it, and every route keeps its word.

The test is generated from ``app.url_map``: each route is requested as every kind of
user and the answer is checked against the audience the route declared. A route that
declares nothing fails, so every new page must state who it is for.
"""

import re
from dataclasses import dataclass, field

import pytest

from app.access import Audience, audience_of
from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    EditionRoleKind,
    ReviewCriterion,
    ShowcaseMaterial,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
)
from tests.factories import (
    assign_reviewer,
    grant,
    make_edition,
    make_organisation,
    make_room,
    make_session,
    make_showcase,
    make_speaker,
    make_track,
    make_user,
    make_venue,
)

KINDS = (
    "anonymous",
    "user",
    "delegate",
    "other_delegate",
    "reviewer",
    "organiser",
    "site_organiser",
    "admin",
)
ALLOWED = {
    Audience.ANONYMOUS: set(KINDS),
    Audience.USER: set(KINDS) - {"anonymous"},
    Audience.DELEGATE: {"delegate", "admin"},
    Audience.REVIEWER: {"reviewer", "admin"},
    Audience.ORGANISER: {"organiser", "site_organiser", "admin"},
    Audience.SITE_ORGANISER: {"site_organiser", "admin"},
    Audience.ADMIN: {"admin"},
}


@dataclass
class World:
    """One of everything, with one user of each kind related to it as their kind says."""

    users: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


@pytest.fixture
def world(app):
    with app.app_context():
        edition = make_edition(slug="access-edition")
        mine, theirs = make_organisation(), make_organisation()
        users = {
            "user": make_user(),
            "delegate": make_user(organisation=mine),
            "other_delegate": make_user(organisation=theirs),
            "reviewer": make_user(),
            "organiser": make_user(),
            "site_organiser": make_user(is_organiser=True),
            "admin": make_user(is_admin=True),
        }
        grant(users["organiser"], edition, EditionRoleKind.ORGANISER)
        grant(users["reviewer"], edition, EditionRoleKind.REVIEWER)
        showcase = make_showcase(edition, mine)
        assign_reviewer(showcase, users["reviewer"])
        speaker = make_speaker(organisation=mine)
        track = make_track(edition)
        venue = make_venue(edition)
        room = make_room(venue)
        session_ = make_session(edition, track=track, venue=venue, room=room)
        thinklab = Thinklab(
            slug="access-thinklab", name="Thinklab", timezone="Africa/Tunis", edition=edition
        )
        thinklab.members.append(
            ThinklabMember(
                user=users["delegate"], name="Member", category=StakeholderCategory.STARTUP
            )
        )
        agreement = Agreement(
            kind=AgreementKind.CONVENTION, title="Private convention", edition=edition
        )
        agreement.parties.append(AgreementParty(organisation=mine))
        criterion = ReviewCriterion(edition=edition, name="Impact")
        material = ShowcaseMaterial(
            showcase=showcase,
            filename="deck.pdf",
            content_type="application/pdf",
            size=5,
            sha256="0" * 64,
            storage_key="ab" * 20,
        )
        db.session.add_all([thinklab, agreement, criterion, material])
        users["delegate"].calendar_token = "access-agenda-token"
        db.session.commit()
        values = {
            "editions": {"slug": edition.slug},
            "series": {"slug": edition.series.slug},
            "showcases": {"id": showcase.id},
            "sessions": {"id": session_.id},
            "speakers": {"id": speaker.id},
            "thinklabs": {"slug": thinklab.slug},
            "agreements": {"id": agreement.id},
            "agenda": {"token": "access-agenda-token"},
            "*": {
                "token": "not-a-valid-token",
                "edition_id": edition.id,
                "showcase_id": showcase.id,
                "session_id": session_.id,
                "speaker_id": speaker.id,
                "organisation_id": mine.id,
                "agreement_id": agreement.id,
                "document_id": 1,
                "track_id": track.id,
                "venue_id": venue.id,
                "room_id": room.id,
                "criterion_id": criterion.id,
                "material_id": material.id,
                "message_id": 1,
            },
        }
        return World(users={k: u.id for k, u in users.items()}, values=values)


def sample_url(rule, world: World) -> str:
    """Fill the rule's arguments with the world's objects, by the path's first segment."""
    section = rule.rule.strip("/").split("/")[0]
    arguments = {}
    for name in rule.arguments:
        for scope in (section, "*"):
            if name in world.values.get(scope, {}):
                arguments[name] = world.values[scope][name]
                break
        else:
            pytest.fail(
                f"tests/core/test_access.py has no sample value for <{name}> in {rule.rule}"
            )
    path = rule.rule
    for name, value in arguments.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return path


def routes(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_declares_its_audience(app):
    undeclared = [rule.rule for rule in routes(app) if audience_of(app, rule.endpoint) is None]
    assert undeclared == [], f"routes without @access(...): {undeclared}"


def _request(client, rule, url):
    method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    return client.open(url, method=method, follow_redirects=False)


def _denied(kind: str, response) -> bool:
    if kind == "anonymous":
        to_login = response.status_code == 302 and "/login" in response.location
        return to_login or response.status_code == 401
    return response.status_code == 403


def test_every_route_answers_as_its_audience_says(app, world):
    failures = []
    for rule in routes(app):
        audience = audience_of(app, rule.endpoint)
        url = sample_url(rule, world)
        for kind in KINDS:
            client = app.test_client()
            if kind != "anonymous":
                with client.session_transaction() as flask_session:
                    flask_session["_user_id"] = str(world.users[kind])
                    flask_session["_fresh"] = True
            response = _request(client, rule, url)
            assert response.status_code < 500, f"{kind} {url}: {response.status_code}"
            expected_allowed = kind in ALLOWED[audience]
            if _denied(kind, response) == expected_allowed:
                failures.append(f"{rule.endpoint} {url} as {kind}: {response.status_code}")
    assert failures == []
