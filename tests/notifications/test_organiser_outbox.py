"""The organiser outbox: counts, filters, preview, edit, discard, release once, resend."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AttemptOutcome,
    EditionRoleKind,
    OutboxAttempt,
    OutboxMessage,
    OutboxStatus,
)
from app.notifications import queries, services
from app.notifications.services import queue_email, worker
from tests.factories import grant, make_edition, make_user
from tests.support import sign_in


@pytest.fixture
def desk(app, client):
    """An edition with an organiser signed in, three drafts, one pending and one failed."""
    with app.app_context():
        edition = make_edition()
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        drafts = [
            queue_email(
                kind="showcases.decision.accepted",
                recipient=f"startup{i}@example.org",
                recipient_name=f"Startup {i}",
                subject=f"Accepted {i}",
                body_text="Good news",
                body_html="<p>Good <b>news</b></p>",
                edition_id=edition.id,
                draft=True,
                created_by=organiser,
            )
            for i in range(3)
        ]
        queue_email(
            kind="showcases.received",
            recipient="receipt@example.org",
            subject="Received",
            body_text="Thanks",
            edition_id=edition.id,
        )
        failed = queue_email(
            kind="program.session_changed",
            recipient="gone@example.org",
            subject="Changed",
            body_text="Moved",
            edition_id=edition.id,
        )
        failed.status = OutboxStatus.FAILED
        failed.attempts = 2
        failed.last_error = "550 No such user"
        db.session.commit()
        ids = {"drafts": [m.id for m in drafts], "failed": failed.id}
        slug, organiser_id = edition.slug, organiser.id
    sign_in(client, organiser_id)
    return slug, ids


def statuses(app):
    with app.app_context():
        return {m.id: m.status for m in db.session.scalars(select(OutboxMessage))}


def test_the_page_counts_by_status_and_says_how_many_a_release_sends(app, client, desk):
    slug, _ids = desk
    page = client.get(f"/editions/{slug}/outbox").get_data(as_text=True)
    assert "Sent: <strong>0</strong>" in page
    assert "Pending: <strong>1</strong>" in page
    assert "Failed: <strong>1</strong>" in page
    assert "Release all 3 mails" in page

    filtered = client.get(f"/editions/{slug}/outbox?status=failed").get_data(as_text=True)
    assert "gone@example.org" in filtered and "startup0@example.org" not in filtered
    by_name = client.get(f"/editions/{slug}/outbox?recipient=STARTUP 1").get_data(as_text=True)
    assert "startup1@example.org" in by_name and "startup2@example.org" not in by_name


def test_a_release_of_a_kind_is_idempotent(app, client, desk):
    slug, ids = desk
    data = {"kind": "showcases.decision.accepted"}

    first = client.post(f"/editions/{slug}/outbox/release", data=data, follow_redirects=True)
    second = client.post(f"/editions/{slug}/outbox/release", data=data, follow_redirects=True)

    assert "3 mails released" in first.get_data(as_text=True)
    assert "Nothing to release" in second.get_data(as_text=True)
    now = statuses(app)
    assert {now[i] for i in ids["drafts"]} == {OutboxStatus.PENDING}
    with app.app_context():
        message = db.session.get(OutboxMessage, ids["drafts"][0])
        assert message.released_by_id is not None and message.released_at is not None


def test_release_one_or_a_selection(app, client, desk):
    slug, ids = desk
    client.post(f"/editions/{slug}/outbox/release", data={"ids": [ids["drafts"][0]]})
    assert statuses(app)[ids["drafts"][0]] is OutboxStatus.PENDING
    assert statuses(app)[ids["drafts"][1]] is OutboxStatus.DRAFT
    client.post(f"/editions/{slug}/outbox/release", data={"ids": ids["drafts"][1:]})
    assert {statuses(app)[i] for i in ids["drafts"]} == {OutboxStatus.PENDING}


def test_drafts_never_leave_before_release(app_ctx):
    edition = make_edition()
    queue_email(
        kind="showcases.decision.rejected",
        recipient="a@example.org",
        subject="Decision",
        body_text="No",
        edition_id=edition.id,
        draft=True,
    )
    db.session.commit()
    assert worker.count_due() == 0


def test_preview_shows_text_and_html_in_a_locked_frame(app, client, desk):
    slug, ids = desk
    page = client.get(f"/editions/{slug}/outbox/{ids['drafts'][0]}")
    assert page.status_code == 200
    assert 'sandbox=""' in page.get_data(as_text=True)
    frame = client.get(f"/editions/{slug}/outbox/{ids['drafts'][0]}/body.html")
    assert frame.get_data(as_text=True) == "<p>Good <b>news</b></p>"
    policy = frame.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_edit_then_discard_a_draft(app, client, desk):
    slug, ids = desk
    target = ids["drafts"][0]
    saved = client.post(
        f"/editions/{slug}/outbox/{target}/edit",
        data={"subject": "Accepted!\r\nBcc: spy@example.org", "body_text": "New words"},
    )
    assert saved.status_code == 302
    with app.app_context():
        message = db.session.get(OutboxMessage, target)
        assert message.subject == "Accepted! Bcc: spy@example.org"
        assert message.body_text == "New words"
    client.post(f"/editions/{slug}/outbox/{target}/discard")
    assert statuses(app)[target] is OutboxStatus.DISCARDED
    refused = client.post(
        f"/editions/{slug}/outbox/{target}/edit", data={"subject": "x", "body_text": "y"}
    )
    assert refused.status_code == 422
    assert "no longer one" in refused.get_data(as_text=True)


def test_resend_a_failed_one_keeps_its_attempts(app, client, desk):
    slug, ids = desk
    response = client.post(f"/editions/{slug}/outbox/{ids['failed']}/resend", follow_redirects=True)
    assert "back in line" in response.get_data(as_text=True)
    with app.app_context():
        message = db.session.get(OutboxMessage, ids["failed"])
        assert message.status is OutboxStatus.PENDING and message.attempts == 2


def test_message_page_shows_the_attempt_log_and_who_caused_it(app, client, desk):
    slug, ids = desk
    with app.app_context():
        db.session.add(
            OutboxAttempt(
                message_id=ids["failed"],
                outcome=AttemptOutcome.PERMANENT_FAILURE,
                smtp_code=550,
                error="550 No such user",
                worker="w1",
            )
        )
        db.session.commit()
    page = client.get(f"/editions/{slug}/outbox/{ids['failed']}").get_data(as_text=True)
    assert "550 No such user" in page and "w1" in page
    assert "Session scheduled or moved" in page and "program.session_changed" not in page


def test_a_message_of_another_edition_is_not_found(app, client, desk):
    slug, _ids = desk
    with app.app_context():
        other = queue_email(
            kind="x",
            recipient="x@example.org",
            subject="x",
            body_text="x",
            edition_id=make_edition().id,
        )
        db.session.commit()
        other_id = other.id
    assert client.get(f"/editions/{slug}/outbox/{other_id}").status_code == 404


def test_release_service_counts_only_drafts(app_ctx):
    edition = make_edition()
    organiser = make_user()
    for i in range(2):
        queue_email(
            kind="k",
            recipient=f"r{i}@example.org",
            subject="s",
            body_text="b",
            edition_id=edition.id,
            draft=True,
        )
    assert queries.draft_count(edition, kind="k") == 2
    assert services.release(edition, by=organiser, kind="k") == 2
    assert services.release(edition, by=organiser, kind="k") == 0
