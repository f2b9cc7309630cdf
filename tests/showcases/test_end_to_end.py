"""Done when: a startup signs up, creates its organisation, submits a showcase with a PDF,
gets the acknowledgement from a real SMTP server on loopback, is reviewed by two reviewers,
accepted by an organiser, receives the decision mail once it is released, and appears in
the catalogue."""

import html
import io
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, Showcase, ShowcaseStatus, User
from app.notifications.services import worker
from tests.factories import PASSWORD
from tests.notifications.conftest import smtp_server, use_mail_server  # noqa: F401
from tests.showcases.conftest import PDF
from tests.support import sign_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def deliver(app) -> dict:
    with app.app_context():
        return worker.send_due()


def subjects(server) -> list[str]:
    return [str(received.message["Subject"]) for received in server.received]


def test_a_startup_goes_from_sign_up_to_the_catalogue(app, agora, smtp_server):  # noqa: F811
    startup = app.test_client()

    # Sign up, then the organisation.
    response = startup.post(
        "/register",
        data={
            "email": "amina@civiclab.ma",
            "display_name": "Amina Benali",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "locale": "fr",
        },
    )
    assert response.status_code == 302
    assert startup.get("/showcases/mine").status_code == 302
    response = startup.post(
        "/organisations/new?next=/editions/casa-2027/showcases/new",
        data={"name": "Civic Lab", "kind": "startup", "country": "MA", "city": "Casablanca"},
    )
    assert response.location.endswith("/editions/casa-2027/showcases/new")

    # A draft, a PDF, the submission.
    response = startup.post(
        "/editions/casa-2027/showcases/new",
        data={
            "title": "Bus stops that talk",
            "kind": "project",
            "summary": "Real-time arrivals\non every stop.",
            "track_id": "",
        },
    )
    showcase_id = int(re.search(r"/showcases/(\d+)/edit", response.location).group(1))
    response = startup.post(
        f"/showcases/{showcase_id}/materials",
        data={"file": [(io.BytesIO(PDF), "arrets-bus.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        version = db.session.get(Showcase, showcase_id).version_id
    response = startup.post(
        f"/showcases/{showcase_id}/submit",
        data={"version": version, "track_id": agora.tracks[0]},
    )
    assert response.status_code == 302
    assert "accusé de réception" in text(  # the startup signed up in French
        startup.get(response.location)
    )

    # The acknowledgement arrives through the outbox and a real SMTP server.
    deliver(app)
    acks = [r for r in smtp_server.received if "Bus stops that talk" in str(r.message["Subject"])]
    assert len(acks) == 1
    (ack,) = acks
    assert ack.rcpt_tos == ["amina@civiclab.ma"]
    assert (
        str(ack.message["Subject"]) == "Nous avons bien reçu votre showcase « Bus stops that talk »"
    )
    assert "Civic Lab" in ack.message.get_body(("plain",)).get_content()

    # Two reviewers, assigned by the organiser, score it.
    organiser = app.test_client()
    sign_in(organiser, agora.organiser)
    for reviewer in (agora.reviewer_a, agora.reviewer_b):
        organiser.post(f"/showcases/{showcase_id}/manage/assign", data={"reviewer_id": reviewer})
    for reviewer, (relevance, maturity) in ((agora.reviewer_a, (5, 4)), (agora.reviewer_b, (4, 4))):
        client = app.test_client()
        sign_in(client, reviewer)
        response = client.post(
            f"/showcases/{showcase_id}/review",
            data={
                f"criterion-{agora.criteria[0]}": relevance,
                f"criterion-{agora.criteria[1]}": maturity,
                "comment": "Useful for commuters.",
            },
        )
        assert response.status_code == 302
    table = text(organiser.get("/editions/casa-2027/manage/showcases"))
    assert "Bus stops that talk" in table and "4.33" in table  # (4.67 + 4.00) / 2

    # Accepted: the mail waits as a draft, and the worker does not send it.
    organiser.post(
        f"/showcases/{showcase_id}/manage/decide", data={"decision": "accepted", "note": "Yes"}
    )
    before = len(smtp_server.received)
    deliver(app)
    assert len(smtp_server.received) == before
    with app.app_context():
        (draft,) = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "showcases.decision.accepted")
        ).all()
        assert draft.status is OutboxStatus.DRAFT
        draft_id = draft.id
    assert "Civic Lab" in text(organiser.get("/editions/casa-2027/manage/showcases/mails"))

    # The organiser releases it; it arrives, once.
    organiser.post(
        "/editions/casa-2027/manage/showcases/mails/release", data={"message_ids": [draft_id]}
    )
    deliver(app)
    decisions = [r for r in smtp_server.received if "retenu" in str(r.message["Subject"])]
    assert len(decisions) == 1
    assert decisions[0].rcpt_tos == ["amina@civiclab.ma"]
    body = decisions[0].message.get_body(("plain",)).get_content()
    assert "Bonne nouvelle" in body and f"http://agora.test/showcases/{showcase_id}" in body
    organiser.post(
        "/editions/casa-2027/manage/showcases/mails/release", data={"message_ids": [draft_id]}
    )
    deliver(app)
    assert len([r for r in smtp_server.received if "retenu" in str(r.message["Subject"])]) == 1

    # The showcase is in the public catalogue, with its organisation and its PDF.
    visitor = app.test_client()
    catalogue = text(visitor.get("/showcases?q=bus"))
    assert "Bus stops that talk" in catalogue and "Civic Lab" in catalogue
    page = text(visitor.get(f"/showcases/{showcase_id}"))
    assert "arrets-bus.pdf" in page
    with app.app_context():
        showcase = db.session.get(Showcase, showcase_id)
        assert showcase.status is ShowcaseStatus.ACCEPTED
        history = [(t.from_status, t.to_status) for t in showcase.transitions]
        amina = db.session.scalar(sa.select(User).where(User.email == "amina@civiclab.ma"))
        assert showcase.transitions[1].actor_id == amina.id
    assert history == [
        (None, ShowcaseStatus.DRAFT),
        (ShowcaseStatus.DRAFT, ShowcaseStatus.SUBMITTED),
        (ShowcaseStatus.SUBMITTED, ShowcaseStatus.UNDER_REVIEW),
        (ShowcaseStatus.UNDER_REVIEW, ShowcaseStatus.ACCEPTED),
    ]
