"""Announcements: a group of an edition, one draft per address, counted, released, followed."""

import pytest
from sqlalchemy import select

from app.errors import InvalidInput
from app.extensions import db
from app.models import (
    EditionRoleKind,
    OutboxMessage,
    OutboxStatus,
    Registration,
    SessionSpeaker,
    ShowcaseStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
)
from app.notifications import queries, services
from app.notifications.services import set_preference
from tests.factories import (
    grant,
    make_edition,
    make_organisation,
    make_session,
    make_showcase,
    make_speaker,
    make_user,
)
from tests.support import sign_in


def register(edition, user):
    db.session.add(Registration(user=user, edition=edition))
    db.session.flush()


def test_groups_are_deduplicated_by_address(app_ctx):
    edition = make_edition()
    people = [make_user() for _ in range(3)]
    for user in people:
        register(edition, user)
    assert len(queries.group_members(edition, "attendees")) == 3

    organisation = make_organisation()
    delegates = [make_user(organisation=organisation) for _ in range(2)]
    make_showcase(edition, organisation, status=ShowcaseStatus.ACCEPTED)
    make_showcase(edition, organisation, status=ShowcaseStatus.ACCEPTED)
    make_showcase(edition, make_organisation(), status=ShowcaseStatus.REJECTED)
    assert {p.email for p in queries.group_members(edition, "showcases")} == {
        u.email for u in delegates
    }

    session_a, session_b = make_session(edition), make_session(edition)
    speaker = make_speaker(email="Speaker@Example.org")
    twin = make_speaker(email="speaker@example.org")
    for place in (session_a, session_b):
        db.session.add(SessionSpeaker(session=place, speaker=speaker))
    db.session.add(SessionSpeaker(session=session_b, speaker=twin))
    db.session.flush()
    assert len(queries.group_members(edition, "speakers")) == 1

    thinklab = Thinklab(slug="t-ann", name="T", timezone="Africa/Tunis", edition=edition)
    thinklab.members.append(
        ThinklabMember(user=people[0], name="M", category=StakeholderCategory.STARTUP)
    )
    db.session.add(thinklab)
    db.session.flush()
    assert [p.user for p in queries.group_members(edition, "thinklab", thinklab.id)] == [people[0]]
    with pytest.raises(InvalidInput):
        queries.group_members(make_edition(), "thinklab", thinklab.id)


def test_an_announcement_is_drafts_and_skips_who_opted_out(app, app_ctx):
    edition = make_edition()
    organiser = make_user()
    users = [make_user(locale=locale) for locale in ("en", "fr", "en")]
    for user in users:
        register(edition, user)
    set_preference(users[2].email, "announcements", False, users[2])

    with app.test_request_context():
        announcement, written = services.create_announcement(
            edition,
            audience="attendees",
            subject="Doors open at 9",
            body="Hello all.\n\nBring your badge.",
            by=organiser,
        )

    assert written == 2
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.announcement_id == announcement.id)
    ).all()
    assert {m.status for m in messages} == {OutboxStatus.DRAFT}
    assert {m.recipient for m in messages} == {users[0].email, users[1].email}
    french = next(m for m in messages if m.locale == "fr")
    assert french.body_text.startswith(f"Bonjour {users[1].display_name}")
    assert "Se désabonner en un clic" in french.body_text
    assert "Se désabonner en un clic" in french.body_html
    assert all(m.created_by_id == organiser.id for m in messages)
    assert all("List-Unsubscribe" in m.headers for m in messages)


def test_a_wrong_copy_address_is_refused_when_entered(app, client):
    with app.app_context():
        edition = make_edition()
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        register(edition, make_user())
        db.session.commit()
        slug, organiser_id = edition.slug, organiser.id
    sign_in(client, organiser_id)
    data = {
        "audience": "attendees",
        "subject": "Hello",
        "body": "Words",
        "copy_to": "not an address@",
        "submit": "Write",
    }
    refused = client.post(f"/editions/{slug}/announcements", data=data)
    assert refused.status_code == 422
    assert 'id="copy_to-error"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_the_page_counts_recipients_writes_drafts_releases_and_shows_progress(app, client):
    with app.app_context():
        edition = make_edition()
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        for _ in range(4):
            register(edition, make_user())
        db.session.commit()
        slug, organiser_id = edition.slug, organiser.id
    sign_in(client, organiser_id)
    url = f"/editions/{slug}/announcements"
    data = {"audience": "attendees", "subject": "Programme", "body": "It is online."}

    counted = client.post(url, data={**data, "count": "Count"})
    assert "This group has 4 people." in counted.get_data(as_text=True)
    written = client.post(
        url, data={**data, "copy_to": "Me@Example.org", "submit": "Write"}, follow_redirects=True
    )
    page = written.get_data(as_text=True)
    assert "5 drafts written" in page
    assert "0 sent of 5" in page and "Release 5 mails" in page

    with app.app_context():
        announcement_id = db.session.scalar(select(OutboxMessage.announcement_id))
        one = db.session.scalars(select(OutboxMessage)).first()
        one_id = one.id
    client.post(f"/editions/{slug}/outbox/release", data={"announcement_id": announcement_id})
    again = client.post(
        f"/editions/{slug}/outbox/release",
        data={"announcement_id": announcement_id},
        follow_redirects=True,
    )
    assert "Nothing to release" in again.get_data(as_text=True)
    with app.app_context():
        db.session.get(OutboxMessage, one_id).status = OutboxStatus.SENT
        db.session.commit()
    assert "1 sent of 5" in client.get(url).get_data(as_text=True)
