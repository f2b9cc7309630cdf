"""Registrations through the API: the caller registers with the edition's questions, reads
and cancels their ticket; the organisers list registrations and check tickets in."""

from datetime import timedelta

from app.extensions import db
from app.models import Edition, EditionRoleKind, Registration, RegistrationStatus, utcnow
from app.registrations import services
from tests.factories import grant, make_edition, make_user

QUESTION = "Dietary needs?"


def _open(app, world, capacity=2):
    """Open the world's edition to registrations: ``capacity`` places, one question."""
    with app.app_context():
        edition = db.session.get(Edition, world.edition_id)
        services.save_settings(
            edition, is_open=True, capacity=capacity, closes_local=None, questions=[QUESTION]
        )
        db.session.commit()


def _register(client, world, who: str, **changes):
    body = {"full_name": who.title(), "answers": {QUESTION: "None"}, **changes}
    return client.post(
        f"/api/v1/editions/{world.slug}/registration", json=body, headers=world.auth(who)
    )


def test_the_caller_registers_reads_their_ticket_and_cancels(app, client, world):
    _open(app, world)
    form = client.get(f"/api/v1/editions/{world.slug}/registration-form").get_json()
    assert form["is_open"] is True and form["questions"] == [QUESTION]
    url = f"/api/v1/editions/{world.slug}/registration"
    assert client.get(url, headers=world.auth("attendee")).status_code == 404
    made = _register(client, world, "attendee")
    assert made.status_code == 201, made.get_json()
    ticket = made.get_json()
    assert ticket["status"] == "registered" and ticket["answers"] == {QUESTION: "None"}
    assert ticket["ticket_code"] and ticket["waiting_position"] is None
    assert client.get(url, headers=world.auth("attendee")).get_json()["id"] == ticket["id"]
    again = _register(client, world, "attendee")
    assert again.status_code == 409 and again.get_json()["code"] == "already_registered"
    odd = _register(client, world, "delegate", answers={"Shoe size?": "42"})
    assert odd.status_code == 422 and "answers" in odd.get_json()["errors"]
    cancelled = client.delete(url, headers=world.auth("attendee"))
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.delete(url, headers=world.auth("attendee")).status_code == 409
    assert client.post(url, json={"full_name": "X"}).status_code == 401


def test_a_full_edition_puts_the_caller_on_the_waiting_list(app, client, world):
    _open(app, world, capacity=1)
    assert _register(client, world, "attendee").status_code == 201
    waiting = _register(client, world, "delegate").get_json()
    assert waiting["status"] == "waitlisted" and waiting["waiting_position"] == 1


def test_a_closed_edition_refuses_with_409(client, world):
    refused = _register(client, world, "attendee", answers={})
    assert refused.status_code == 409 and refused.get_json()["code"] == "registration_closed"


def test_organisers_list_filter_sort_and_sync_registrations(app, client, world):
    _open(app, world, capacity=10)
    for who in ("attendee", "delegate", "other_delegate"):
        assert _register(client, world, who).status_code == 201
    url = f"/api/v1/editions/{world.slug}/registrations"
    headers = world.auth("organiser")
    page = client.get(url, query_string={"sort": "-name", "per_page": 2}, headers=headers)
    body = page.get_json()
    assert body["total"] == 3 and len(body["items"]) == 2
    assert [item["full_name"] for item in body["items"]] == ["Other_Delegate", "Delegate"]
    assert "ticket_code" not in body["items"][0] and "@" in body["items"][0]["email"]
    found = client.get(url, query_string={"q": "attend"}, headers=headers).get_json()
    assert [item["full_name"] for item in found["items"]] == ["Attendee"]
    since = (utcnow() + timedelta(seconds=1)).isoformat()
    assert (
        client.get(url, query_string={"updated_since": since}, headers=headers).get_json()["total"]
        == 0
    )
    assert client.get(url, headers=world.auth("delegate")).status_code == 403
    assert client.get(url, query_string={"sort": "email"}, headers=headers).status_code == 422


def test_check_in_once_then_409_with_the_first_time(app, client, world):
    _open(app, world)
    code = _register(client, world, "attendee").get_json()["ticket_code"]
    url = f"/api/v1/editions/{world.slug}/check-ins"
    headers = world.auth("organiser")
    first = client.post(url, json={"code": code}, headers=headers)
    assert first.status_code == 201, first.get_json()
    checked_at = first.get_json()["checked_in_at"]
    assert checked_at
    twice = client.post(url, json={"code": code}, headers=headers)
    body = twice.get_json()
    assert twice.status_code == 409 and body["code"] == "already_checked_in"
    assert body["errors"]["checked_in_at"] == [checked_at]
    assert set(body) == {"status", "code", "message", "errors"}
    unknown = client.post(url, json={"code": "nope"}, headers=headers)
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "unknown_ticket"
    listed = client.get(
        f"/api/v1/editions/{world.slug}/registrations",
        query_string={"checked_in": "true", "updated_since": checked_at},
        headers=headers,
    ).get_json()
    assert [item["full_name"] for item in listed["items"]] == ["Attendee"]
    assert client.post(url, json={"code": code}, headers=world.auth("delegate")).status_code == 403
    read_only = client.post(url, json={"code": code}, headers=world.auth("organiser_read"))
    assert read_only.status_code == 403 and read_only.get_json()["code"] == "insufficient_scope"


def test_another_editions_ticket_is_not_found_and_a_waiting_one_conflicts(app, client, world):
    _open(app, world, capacity=1)
    with app.app_context():
        other = make_edition(slug="other-api-edition")
        services.save_settings(other, is_open=True, capacity=None, closes_local=None, questions=[])
        elsewhere = services.register(other, make_user(), full_name="Elsewhere")
        db.session.commit()
        foreign_code = elsewhere.ticket_code
    url = f"/api/v1/editions/{world.slug}/check-ins"
    headers = world.auth("organiser")
    foreign = client.post(url, json={"code": foreign_code}, headers=headers)
    assert foreign.status_code == 404 and "Elsewhere" not in foreign.get_data(as_text=True)
    _register(client, world, "attendee")
    waiting = _register(client, world, "delegate").get_json()
    refused = client.post(url, json={"code": waiting["ticket_code"]}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["code"] == "ticket_refused"
    with app.app_context():
        row = db.session.get(Registration, waiting["id"])
        assert row.status is RegistrationStatus.WAITLISTED and row.checked_in_at is None


def test_the_organiser_of_another_edition_gets_403(app, client, world):
    with app.app_context():
        other = make_edition(slug="someone-elses-edition")
        grant(make_user(), other, EditionRoleKind.ORGANISER)
        db.session.commit()
    url = "/api/v1/editions/someone-elses-edition/registrations"
    answer = client.get(url, headers=world.auth("organiser"))
    assert answer.status_code == 403 and answer.is_json


def test_a_registration_made_again_after_a_cancel_shows_in_a_sync(app, client, world):
    """A sync since the cancel sees the new registration, although its row is an old one."""
    _open(app, world)
    url = f"/api/v1/editions/{world.slug}/registration"
    first = _register(client, world, "attendee").get_json()
    client.delete(url, headers=world.auth("attendee"))
    with app.app_context():
        row = db.session.get(Registration, first["id"])
        row.updated_at = row.updated_at - timedelta(hours=1)  # the cancel, an hour ago
        db.session.commit()
        since = (row.updated_at + timedelta(minutes=1)).isoformat()
    listing = f"/api/v1/editions/{world.slug}/registrations"
    headers = world.auth("organiser")
    synced = client.get(listing, query_string={"updated_since": since}, headers=headers)
    assert synced.get_json()["total"] == 0
    again = _register(client, world, "attendee").get_json()
    assert again["id"] == first["id"] and again["status"] == "registered"
    synced = client.get(listing, query_string={"updated_since": since}, headers=headers)
    items = synced.get_json()["items"]
    assert [item["id"] for item in items] == [first["id"]]
    assert items[0]["updated_at"] >= since
