"""The access table's world: one of everything, one user of each kind, and how to ask each
route as each of them and compare the answer with the audience it declared."""

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
    Webhook,
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
from tests.support import sign_in

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


def build_one_of_everything() -> World:
    """Add the objects and users of the access table; flushes only, returns their ids."""
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
        ThinklabMember(user=users["delegate"], name="Member", category=StakeholderCategory.STARTUP)
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
    webhook = Webhook(
        edition=edition, url="http://127.0.0.1:9/hook", secret="s" * 64, events=["ping"]
    )
    db.session.add_all([thinklab, agreement, criterion, material, webhook])
    users["delegate"].calendar_token = "access-agenda-token"
    # An account for the administration pages to act on, so no kind of user is disabled.
    bystander = make_user()
    db.session.flush()
    values = {
        "editions": {"slug": edition.slug, "language": "ar"},
        "series": {"slug": edition.series.slug},
        "showcases": {"id": showcase.id},
        "sessions": {"id": session_.id},
        "speakers": {"id": speaker.id},
        "thinklabs": {"slug": thinklab.slug},
        "agreements": {"id": agreement.id},
        "agenda": {"token": "access-agenda-token"},
        "api": {
            "slug": edition.slug,
            "series_slug": edition.series.slug,
            "thinklab_slug": thinklab.slug,
        },
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
            "user_id": bystander.id,
            "webhook_id": webhook.id,
            "token_id": 1,
            "commitment_id": 1,
            "change_id": 1,
            "kind": "logo",
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
            pytest.fail(f"tests/access_table.py has no sample value for <{name}> in {rule.rule}")
    path = rule.rule
    for name, value in arguments.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return path


def routes(app) -> list:
    """Every rule of the app but the static files."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def request(client, rule, url: str):
    """Ask ``url`` with the rule's method (GET when it has one), following no redirect."""
    method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    return client.open(url, method=method, follow_redirects=False)


def denied(kind: str, response) -> bool:
    """Whether the answer turns ``kind`` away (anonymous users go to the login page)."""
    if kind == "anonymous":
        to_login = response.status_code == 302 and "/login" in response.location
        return to_login or response.status_code == 401
    return response.status_code == 403


def audience_failures(app, world: World, rules) -> list[str]:
    """Ask each rule as every kind of user; list the answers that break its audience
    (a server error counts as a failure for every kind)."""
    failures = []
    for rule in rules:
        audience = audience_of(app, rule.endpoint)
        url = sample_url(rule, world)
        for kind in KINDS:
            client = app.test_client()
            if kind != "anonymous":
                sign_in(client, world.users[kind])
            response = request(client, rule, url)
            if response.status_code >= 500:
                failures.append(f"{kind} {url}: {response.status_code}")
            elif denied(kind, response) == (kind in ALLOWED[audience]):
                failures.append(f"{rule.endpoint} {url} as {kind}: {response.status_code}")
    return failures
