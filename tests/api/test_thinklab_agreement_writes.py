"""Thinklabs and agreements written through the API: the same services and permission
rules as the organiser pages, ETag/If-Match on updates, Idempotency-Key on creations, and
a webhook told of an agreement's new status."""

from app.extensions import db
from app.models import Thinklab, WebhookDelivery
from tests.factories import make_organisation


def _thinklab_body(world, **changes) -> dict:
    body = {
        "slug": "api-mobility-lab",
        "name": "Mobility lab",
        "edition": world.slug,
        "timezone": "Africa/Tunis",
        "first_meeting_local": "2027-01-05T10:00:00",
        "rrule": "FREQ=MONTHLY;COUNT=6",
        "meeting_mode": "online",
        "online_url": "https://meet.example.org/lab",
    }
    body.update(changes)
    return body


def test_a_thinklab_is_created_changed_and_its_meetings_skipped_moved_restored(app, client, world):
    headers = world.auth("organiser")
    made = client.post("/api/v1/thinklabs", json=_thinklab_body(world), headers=headers)
    assert made.status_code == 201, made.get_json()
    url = "/api/v1/thinklabs/api-mobility-lab"
    tag = client.get(url).headers["ETag"]
    assert made.headers["ETag"] == tag
    renamed = client.patch(
        url, json={"name": "Mobility lab 2050"}, headers={**headers, "If-Match": tag}
    )
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["rrule"] == "FREQ=MONTHLY;COUNT=6"
    stale = client.patch(url, json={"name": "Late"}, headers={**headers, "If-Match": tag})
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    bad_rule = client.patch(url, json={"rrule": "FREQ=SOMETIMES"}, headers=headers)
    assert bad_rule.status_code == 422 and "rrule" in bad_rule.get_json()["errors"]

    skipped = client.post(
        f"{url}/meetings/skip",
        json={"original_local": "2027-02-05T10:00:00", "note": "Holiday"},
        headers=headers,
    )
    assert skipped.status_code == 201 and skipped.get_json()["is_cancelled"] is True
    moved = client.post(
        f"{url}/meetings/move",
        json={
            "original_local": "2027-03-05T10:00:00",
            "starts_local": "2027-03-06T14:00:00",
            "ends_local": "2027-03-06T16:00:00",
        },
        headers=headers,
    )
    assert moved.status_code == 201, moved.get_json()
    nowhere = client.post(
        f"{url}/meetings/skip", json={"original_local": "2027-02-06T10:00:00"}, headers=headers
    )
    assert nowhere.status_code == 422 and "original" in nowhere.get_json()["errors"]
    meetings = client.get(
        f"{url}/occurrences", query_string={"start": "2027-01-01", "end": "2027-04-01"}
    ).get_json()
    assert [m["is_cancelled"] for m in meetings] == [False, True, False]
    assert meetings[2]["is_moved"] is True
    changes = client.get(f"{url}/meeting-changes").get_json()
    assert len(changes) == 2
    restored = client.delete(f"{url}/meeting-changes/{skipped.get_json()['id']}", headers=headers)
    assert restored.status_code == 204
    assert len(client.get(f"{url}/meeting-changes").get_json()) == 1
    assert client.delete(f"{url}/meeting-changes/999999", headers=headers).status_code == 404


def test_thinklab_writes_keep_the_pages_permissions(app, client, world):
    refused = client.post(
        "/api/v1/thinklabs", json=_thinklab_body(world), headers=world.auth("delegate")
    )
    assert refused.status_code == 403 and refused.is_json
    alone = client.post(
        "/api/v1/thinklabs",
        json=_thinklab_body(world, edition=None),
        headers=world.auth("organiser"),
    )
    assert alone.status_code == 422 and "edition_id" in alone.get_json()["errors"]
    read_only = client.post(
        "/api/v1/thinklabs", json=_thinklab_body(world), headers=world.auth("organiser_read")
    )
    assert read_only.status_code == 403
    made = client.post(
        "/api/v1/thinklabs", json=_thinklab_body(world), headers=world.auth("organiser")
    )
    assert made.status_code == 201
    other = client.patch(
        "/api/v1/thinklabs/api-mobility-lab", json={"name": "Mine"}, headers=world.auth("delegate")
    )
    assert other.status_code == 403
    with app.app_context():
        assert (
            db.session.scalar(db.select(Thinklab.name).where(Thinklab.slug == "api-mobility-lab"))
            == "Mobility lab"
        )


def _agreement_body(world, organisations, **changes) -> dict:
    body = {
        "kind": "convention",
        "title": "Convention between two schools",
        "edition": world.slug,
        "parties": [{"organisation_id": organisation} for organisation in organisations],
    }
    body.update(changes)
    return body


def test_an_agreement_is_created_moved_through_its_lifecycle_and_followed_up(app, client, world):
    with app.app_context():
        organisations = [make_organisation().id, make_organisation().id]
        db.session.commit()
    headers = world.auth("organiser")
    hook = client.post(
        f"/api/v1/editions/{world.slug}/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["agreement.status_changed"]},
        headers=headers,
    )
    assert hook.status_code == 201
    made = client.post(
        "/api/v1/agreements",
        json=_agreement_body(world, organisations),
        headers={**headers, "Idempotency-Key": "convention-1"},
    )
    assert made.status_code == 201, made.get_json()
    agreement = made.get_json()
    assert agreement["status"] == "draft" and len(agreement["parties"]) == 2
    retried = client.post(
        "/api/v1/agreements",
        json=_agreement_body(world, organisations),
        headers={**headers, "Idempotency-Key": "convention-1"},
    )
    assert retried.get_json() == agreement and retried.headers["Idempotent-Replayed"] == "true"
    url = f"/api/v1/agreements/{agreement['id']}"
    tag = client.get(url, headers=headers).headers["ETag"]
    changed = client.patch(
        url, json={"summary": "Exchange of students"}, headers={**headers, "If-Match": tag}
    )
    assert changed.status_code == 200, changed.get_json()
    assert len(changed.get_json()["parties"]) == 2
    assert (
        client.patch(url, json={"summary": "x"}, headers={**headers, "If-Match": tag}).status_code
        == 412
    )
    one_party = client.patch(
        url,
        json={
            "parties": [
                {"organisation_id": organisations[0]},
                {"organisation_id": organisations[0]},
            ]
        },
        headers=headers,
    )
    assert one_party.status_code == 422 and "parties" in one_party.get_json()["errors"]

    moved = client.post(f"{url}/status", json={"status": "negotiation"}, headers=headers)
    assert moved.status_code == 200 and moved.get_json()["status"] == "negotiation"
    refused = client.post(f"{url}/status", json={"status": "signed"}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["code"] == "transition_refused"
    assert "status" in refused.get_json()["errors"]
    with app.app_context():
        events = db.session.scalars(db.select(WebhookDelivery.body)).all()
        assert len(events) == 1 and '"to_status": "negotiation"' in events[0]

    commitment = client.post(
        f"{url}/commitments",
        json={"title": "Students exchanged", "due_date": "2028-06-30", "target_value": "40"},
        headers=headers,
    )
    assert commitment.status_code == 201, commitment.get_json()
    commitment_url = f"{url}/commitments/{commitment.get_json()['id']}"
    raised = client.patch(
        commitment_url,
        json={"target_value": 50},
        headers={**headers, "If-Match": commitment.headers["ETag"]},
    )
    assert raised.status_code == 200 and raised.get_json()["target_value"] == "50.00"
    assert raised.get_json()["title"] == "Students exchanged"
    progress = client.post(
        f"{commitment_url}/progress",
        json={"value": 12, "recorded_on": "2027-09-01"},
        headers=headers,
    )
    assert progress.status_code == 201 and progress.get_json()["value"] == "12.00"
    negative = client.post(
        f"{commitment_url}/progress",
        json={"value": -1, "recorded_on": "2027-09-01"},
        headers=headers,
    )
    assert negative.status_code == 422 and "value" in negative.get_json()["errors"]


def test_agreement_writes_keep_the_pages_permissions(app, client, world):
    with app.app_context():
        organisations = [make_organisation().id, make_organisation().id]
        db.session.commit()
    made = client.post(
        "/api/v1/agreements",
        json=_agreement_body(world, organisations),
        headers=world.auth("organiser"),
    ).get_json()
    url = f"/api/v1/agreements/{made['id']}"
    for who in ("delegate", "attendee"):
        answer = client.patch(url, json={"title": "Mine"}, headers=world.auth(who))
        assert answer.status_code == 403 and answer.is_json
        assert client.get(url, headers=world.auth(who)).status_code == 404
    assert client.get(url).status_code == 404
    refused = client.post(
        "/api/v1/agreements",
        json=_agreement_body(world, organisations),
        headers=world.auth("delegate"),
    )
    assert refused.status_code == 403
    read_only = client.post(
        f"{url}/status", json={"status": "negotiation"}, headers=world.auth("organiser_read")
    )
    assert read_only.status_code == 403 and read_only.get_json()["code"] == "insufficient_scope"
