"""An accepted showcase enters the public catalogue only once its decision is announced."""

import html

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Edition,
    OutboxMessage,
    OutboxStatus,
    Showcase,
    ShowcaseStatus,
    User,
    utcnow,
)
from app.notifications import services as outbox
from app.showcases import services
from tests.showcases.test_routes import submitted_showcase
from tests.support import sign_in

S = ShowcaseStatus
TITLE = "Casa Covoit'"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def decide(client, agora, showcase_id, decision):
    sign_in(client, agora.organiser)
    response = client.post(f"/showcases/{showcase_id}/manage/decide", data={"decision": decision})
    assert response.status_code == 302


def drafts(app, showcase_id) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(OutboxMessage.id).where(
                    OutboxMessage.status == OutboxStatus.DRAFT,
                    OutboxMessage.dedupe_key.like(f"showcases.decision:{showcase_id}:%"),
                )
            )
        )


def release(client, agora, app, showcase_id):
    sign_in(client, agora.organiser)
    response = client.post(
        "/editions/casa-2027/manage/showcases/mails/release",
        data={"message_ids": drafts(app, showcase_id)},
    )
    assert response.status_code == 302


def in_catalogue(app, showcase_id) -> bool:
    anonymous = app.test_client()
    listed = TITLE in text(anonymous.get("/showcases"))
    page = anonymous.get(f"/showcases/{showcase_id}").status_code
    assert listed == (page == 200) and page in (200, 404)
    return listed


def test_an_acceptance_is_public_only_once_its_mail_is_released(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    decide(client, agora, showcase_id, "accepted")
    assert not in_catalogue(app, showcase_id)
    # The delegates and the organisers still see it.
    assert client.get(f"/showcases/{showcase_id}").status_code == 200
    sign_in(client, agora.founder)
    assert client.get(f"/showcases/{showcase_id}").status_code == 200

    release(client, agora, app, showcase_id)
    assert in_catalogue(app, showcase_id)
    with app.app_context():
        assert db.session.get(Showcase, showcase_id).decision_released_at is not None


def test_a_rejection_after_the_release_hides_it_again(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    decide(client, agora, showcase_id, "accepted")
    release(client, agora, app, showcase_id)
    assert in_catalogue(app, showcase_id)

    decide(client, agora, showcase_id, "rejected")
    assert not in_catalogue(app, showcase_id)
    release(client, agora, app, showcase_id)
    assert not in_catalogue(app, showcase_id)

    # Accepted again: the organisation was told this decision already, so it is public.
    decide(client, agora, showcase_id, "accepted")
    assert drafts(app, showcase_id) == []
    assert in_catalogue(app, showcase_id)


def test_a_changed_decision_waits_for_its_own_mail(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    decide(client, agora, showcase_id, "waitlisted")
    release(client, agora, app, showcase_id)
    decide(client, agora, showcase_id, "accepted")
    assert not in_catalogue(app, showcase_id)
    release(client, agora, app, showcase_id)
    assert in_catalogue(app, showcase_id)


def test_the_edition_outbox_release_announces_too(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    decide(client, agora, showcase_id, "accepted")
    with app.app_context():
        edition = db.session.get(Edition, agora.edition)
        organiser = db.session.get(User, agora.organiser)
        assert outbox.release(edition, by=organiser, kind="showcases.decision.accepted") == 1
        db.session.commit()
    assert in_catalogue(app, showcase_id)


def test_a_discarded_draft_announces_nothing(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    decide(client, agora, showcase_id, "accepted")
    with app.app_context():
        (draft_id,) = drafts(app, showcase_id)
        outbox.discard(db.session.get(OutboxMessage, draft_id))
        db.session.commit()
    assert not in_catalogue(app, showcase_id)


def test_decisions_announced_with_the_programme(app, client, agora):
    showcase_id = submitted_showcase(app, client, agora)
    decide(client, agora, showcase_id, "accepted")
    with app.app_context():
        edition = db.session.get(Edition, agora.edition)
        assert services.announce_decisions(edition, utcnow()) == 1
        assert services.announce_decisions(edition, utcnow()) == 0
        db.session.commit()
    assert in_catalogue(app, showcase_id)
    # A decision changed afterwards needs its own mail.
    decide(client, agora, showcase_id, "rejected")
    decide(client, agora, showcase_id, "accepted")
    assert not in_catalogue(app, showcase_id)
    release(client, agora, app, showcase_id)
    assert in_catalogue(app, showcase_id)


def test_the_organisation_learns_a_decision_only_when_its_mail_is_released(app, client, agora):
    """Before the release the delegate sees "Under review" on the showcase, in the list of
    the organisation's showcases, in the history and through the API; the organisers
    see the decision at once."""
    showcase_id = submitted_showcase(app, client, agora)
    decide(client, agora, showcase_id, "rejected")
    page = text(client.get(f"/showcases/{showcase_id}"))
    assert "Not retained" in page  # the organiser's view
    sign_in(client, agora.founder)
    with app.app_context():
        organisation_id = db.session.get(Showcase, showcase_id).organisation_id
    pages = [
        text(client.get(f"/showcases/{showcase_id}")),
        text(client.get(f"/organisations/{organisation_id}/showcases")),
    ]
    for page in pages:
        assert "Under review" in page and "Not retained" not in page
    assert "decision was taken" not in pages[0]
    mine = client.get("/api/v1/showcases", query_string={"mine": "true"}).get_json()
    assert [item["status"] for item in mine["items"]] == ["under_review"]
    rejected = {"mine": "true", "status": "rejected"}
    assert client.get("/api/v1/showcases", query_string=rejected).get_json()["total"] == 0

    release(client, agora, app, showcase_id)
    sign_in(client, agora.founder)
    page = text(client.get(f"/showcases/{showcase_id}"))
    assert "Not retained" in page
    assert client.get("/api/v1/showcases", query_string=rejected).get_json()["total"] == 1
