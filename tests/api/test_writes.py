"""Writes run the same services as the pages: same rules, same errors, in the API's shape;
If-Match refuses stale writes, Idempotency-Key replays a retried creation."""

from app.extensions import db
from app.models import ConferenceSession, Showcase
from tests.api.conftest import session_body


def test_a_session_is_scheduled_with_the_pages_rules(client, world):
    headers = world.auth("organiser")
    url = f"/api/v1/editions/{world.slug}/sessions"
    created = client.post(url, json=session_body(world), headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.headers["ETag"] == f'"session-{created.get_json()["id"]}-v1"'
    clash = client.post(url, json=session_body(world, title="Same room"), headers=headers)
    body = clash.get_json()
    assert clash.status_code == 422
    assert body["code"] == "form_errors" and "room_id" in body["errors"]
    backwards = client.post(
        url, json=session_body(world, ends_local="2027-03-10T09:00:00"), headers=headers
    )
    assert backwards.status_code == 422 and "ends_local" in backwards.get_json()["errors"]


def test_wrong_types_unknown_fields_and_nul_bytes_get_4xx(client, world):
    headers = world.auth("organiser")
    url = f"/api/v1/editions/{world.slug}/sessions"
    wrong = client.post(url, json={"title": 5, "surprise": True}, headers=headers)
    errors = wrong.get_json()["errors"]
    assert wrong.status_code == 422 and "surprise" in errors and "title" in errors
    nul = client.post(url, json=session_body(world, title="a\u0000b"), headers=headers)
    assert nul.status_code == 400 and nul.get_json()["code"] == "bad_request"
    huge = client.post(
        url,
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers=headers,
        content_type="application/json",
    )
    assert huge.status_code == 413
    assert client.get("/api/v1/sessions/99999999999").status_code == 404
    assert client.get("/api/v1/editions/no%00pe").status_code in (400, 404)


def test_a_stale_update_gets_412_and_a_fresh_one_passes(client, world):
    headers = world.auth("organiser")
    created = client.post(
        f"/api/v1/editions/{world.slug}/sessions", json=session_body(world), headers=headers
    ).get_json()
    url = f"/api/v1/sessions/{created['id']}"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    moved = client.patch(
        url,
        json={"room_id": world.other_room_id},
        headers={**headers, "If-Match": tag},
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["sequence"] == 1
    assert moved.headers["ETag"] != tag
    stale = client.patch(url, json={"title": "Late"}, headers={**headers, "If-Match": tag})
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "precondition_failed"


def test_a_retried_creation_with_the_same_key_returns_the_first_result(app, client, world):
    headers = {**world.auth("organiser"), "Idempotency-Key": "create-keynote-1"}
    url = f"/api/v1/editions/{world.slug}/sessions"
    first = client.post(url, json=session_body(world), headers=headers)
    again = client.post(url, json=session_body(world), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ConferenceSession.id))) == 1
    other = client.post(url, json=session_body(world, title="Other"), headers=headers)
    assert other.status_code == 409


def test_a_delegate_drafts_and_submits_a_showcase_and_the_organiser_decides(app, client, world):
    delegate = world.auth("delegate")
    draft = client.post(
        "/api/v1/showcases",
        json={
            "edition": world.slug,
            "title": "Bus on demand",
            "summary": "Rides",
            "kind": "project",
        },
        headers=delegate,
    )
    assert draft.status_code == 201, draft.get_json()
    showcase = draft.get_json()
    assert showcase["status"] == "draft"
    url = f"/api/v1/showcases/{showcase['id']}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=world.auth("other_delegate")).status_code == 404
    refused = client.post(f"{url}/submit", json={}, headers=world.auth("other_delegate"))
    assert refused.status_code == 403
    submitted = client.post(f"{url}/submit", json={"track_id": world.track_id}, headers=delegate)
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    assert (
        client.post(f"{url}/decision", json={"decision": "accepted"}, headers=delegate).status_code
        == 403
    )
    decided = client.post(
        f"{url}/decision", json={"decision": "accepted"}, headers=world.auth("organiser")
    )
    assert decided.status_code == 200 and decided.get_json()["status"] == "accepted"
    with app.app_context():
        assert db.session.get(Showcase, showcase["id"]).status.value == "accepted"


def test_an_edition_update_keeps_the_fields_left_out(client, world):
    url = f"/api/v1/editions/{world.slug}"
    tag = client.get(url).headers["ETag"]
    changed = client.patch(
        url,
        json={"theme": "Metropolitan transitions"},
        headers={**world.auth("organiser"), "If-Match": tag},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["theme"] == "Metropolitan transitions"
    assert changed.get_json()["slug"] == world.slug
    refused = client.patch(url, json={"theme": "x"}, headers=world.auth("delegate"))
    assert refused.status_code == 403


def test_the_agenda_stars_and_unstars_sessions(client, world):
    created = client.post(
        f"/api/v1/editions/{world.slug}/sessions",
        json=session_body(world),
        headers=world.auth("organiser"),
    ).get_json()
    headers = world.auth("attendee")
    url = f"/api/v1/me/agenda/{created['id']}"
    assert client.put(url, headers=headers).get_json() == {
        "session_id": created["id"],
        "starred": True,
    }
    assert client.put(url, headers=headers).status_code == 200
    assert client.get("/api/v1/me/agenda", headers=headers).get_json()["total"] == 1
    assert client.delete(url, headers=headers).get_json()["starred"] is False
    assert client.get("/api/v1/me/agenda", headers=headers).get_json()["total"] == 0
    assert client.put(url).status_code == 401


def test_every_error_is_json_in_one_shape(client, world):
    answers = [
        client.get("/api/v1/nothing-here"),
        client.put(f"/api/v1/editions/{world.slug}"),
        client.get("/api/v1/sessions/0"),
        client.get("/api/v1/me"),
        client.post("/api/v1/showcases", data="not json", headers=world.auth("delegate")),
        client.patch(
            f"/api/v1/editions/{world.slug}",
            data="{",
            content_type="application/json",
            headers=world.auth("organiser"),
        ),
    ]
    for response in answers:
        assert response.is_json, response.data[:200]
        body = response.get_json()
        assert set(body) == {"status", "code", "message", "errors"}, body
        assert body["status"] == response.status_code and 400 <= response.status_code < 500
