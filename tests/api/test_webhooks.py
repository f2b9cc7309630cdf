"""Webhooks: events queue deliveries in the change's transaction; the worker posts them to
the receiver, signed, and retries failures; organisers test them from their page or the API."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.api.services import deliver_due
from app.extensions import db
from app.models import DeliveryStatus, Webhook, WebhookDelivery, utcnow
from tests.api.conftest import session_body
from tests.support import sign_in


class Receiver:
    """An HTTP server on loopback that answers with the given statuses, in turn."""

    def __init__(self, statuses: list[int]):
        self.statuses = statuses
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/agora"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(list(statuses)))
        return made[-1]

    yield make
    for one in made:
        one.close()


def _hook(client, world, url, events):
    response = client.post(
        f"/api/v1/editions/{world.slug}/webhooks",
        json={"url": url, "events": events},
        headers=world.auth("organiser"),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_scheduled_session_is_delivered_signed_and_retried(app, client, world, receiver):
    server = receiver([500])
    hook = _hook(client, world, server.url, ["session.scheduled", "session.cancelled"])
    created = client.post(
        f"/api/v1/editions/{world.slug}/sessions",
        json=session_body(world),
        headers=world.auth("organiser"),
    ).get_json()
    now = utcnow()
    with app.app_context():
        assert deliver_due(now=now) == {"sent": 0, "retry": 1, "failed": 0}
        assert deliver_due(now=now) == {"sent": 0, "retry": 0, "failed": 0}
        assert deliver_due(now=now + timedelta(seconds=31)) == {"sent": 1, "retry": 0, "failed": 0}
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.status is DeliveryStatus.SENT and delivery.attempts == 2
        assert [attempt.status_code for attempt in delivery.log] == [500, 200]
    assert len(server.received) == 2
    headers, body = server.received[-1]
    payload = json.loads(body)
    assert payload["event"] == "session.scheduled"
    assert payload["data"]["session_id"] == created["id"]
    expected = hmac.new(
        hook["secret"].encode(),
        headers["X-Agora-Timestamp"].encode() + b"." + body,
        hashlib.sha256,
    ).hexdigest()
    assert headers["X-Agora-Signature"] == f"sha256={expected}"
    assert headers["X-Agora-Event"] == "session.scheduled"
    log = client.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries", headers=world.auth("organiser")
    ).get_json()
    assert log["items"][0]["status"] == "sent" and len(log["items"][0]["log"]) == 2


def test_a_receiver_that_never_answers_well_fails_after_the_last_attempt(app, world, client):
    hook = _hook(client, world, "http://127.0.0.1:9/closed", ["session.scheduled"])
    client.post(
        f"/api/v1/editions/{world.slug}/sessions",
        json=session_body(world),
        headers=world.auth("organiser"),
    )
    moment = utcnow()
    with app.app_context():
        for _ in range(6):
            deliver_due(now=moment)
            moment += timedelta(hours=7)
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert delivery.status is DeliveryStatus.FAILED
        assert delivery.attempts == 6 and delivery.last_error
    assert hook["events"] == ["session.scheduled"]


def test_events_not_chosen_are_not_queued_and_submissions_are(app, client, world, receiver):
    _hook(client, world, receiver().url, ["showcase.submitted"])
    client.post(
        f"/api/v1/editions/{world.slug}/sessions",
        json=session_body(world),
        headers=world.auth("organiser"),
    )
    draft = client.post(
        "/api/v1/showcases",
        json={"edition": world.slug, "title": "Bus", "summary": "Rides", "kind": "project"},
        headers=world.auth("delegate"),
    ).get_json()
    client.post(
        f"/api/v1/showcases/{draft['id']}/submit",
        json={"track_id": world.track_id},
        headers=world.auth("delegate"),
    )
    with app.app_context():
        events = db.session.scalars(db.select(WebhookDelivery.event)).all()
    assert events == ["showcase.submitted"]


def test_the_organisers_page_adds_tests_and_logs_webhooks(app, client, world, receiver):
    server = receiver()
    sign_in(client, world.users["organiser"])
    page = f"/editions/{world.slug}/manage/webhooks"
    assert client.get(f"/editions/{world.slug}/manage").status_code in (200, 302)
    added = client.post(
        page, data={"url": server.url, "events": ["session.changed"], "is_active": "y"}
    )
    assert added.status_code == 302
    with app.app_context():
        hook_id = db.session.scalar(db.select(Webhook.id))
    assert client.post(f"{page}/{hook_id}/test").status_code == 302
    with app.app_context():
        assert deliver_due()["sent"] == 1
    assert json.loads(server.received[0][1])["event"] == "ping"
    text = client.get(page).get_data(as_text=True)
    assert server.url in text and "ping" in text and "sent" in text
    sign_in(client, world.users["delegate"])
    assert client.get(page).status_code == 403


def test_the_api_sends_a_test_and_only_organisers_manage_webhooks(client, world, receiver):
    hook = _hook(client, world, receiver().url, ["session.changed"])
    url = f"/api/v1/webhooks/{hook['id']}"
    assert client.post(f"{url}/test", headers=world.auth("organiser")).status_code == 202
    assert client.get(url, headers=world.auth("delegate")).status_code == 403
    assert client.get(url).status_code == 401
    bad = client.post(
        f"/api/v1/editions/{world.slug}/webhooks",
        json={"url": "ftp://example.org", "events": ["nope"]},
        headers=world.auth("organiser"),
    )
    assert bad.status_code == 422 and {"url", "events"} <= set(bad.get_json()["errors"])
    tag = client.get(url, headers=world.auth("organiser")).headers["ETag"]
    client.patch(url, json={"is_active": False}, headers=world.auth("organiser"))
    stale = client.delete(url, headers={**world.auth("organiser"), "If-Match": tag})
    assert stale.status_code == 412
    assert client.delete(url, headers=world.auth("organiser")).status_code == 204


def test_the_worker_command_delivers(app, runner, client, world, receiver):
    server = receiver()
    hook = _hook(client, world, server.url, ["session.changed"])
    client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=world.auth("organiser"))
    result = runner.invoke(args=["webhooks", "deliver"])
    assert "1 sent" in result.output
    assert len(server.received) == 1


def test_production_refuses_to_post_to_private_addresses(app, client, world, receiver):
    server = receiver()
    hook = _hook(client, world, server.url, ["session.changed"])
    client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=world.auth("organiser"))
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    try:
        with app.app_context():
            assert deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
            delivery = db.session.scalar(db.select(WebhookDelivery))
            assert "not a public address" in delivery.last_error
    finally:
        app.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    assert server.received == []
