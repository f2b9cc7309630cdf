"""Seats at sessions through the pages: booking without JavaScript, the queue shown on the
session page and My agenda, the organisers' lists and CSV, the session form's warning."""

from types import SimpleNamespace

from sqlalchemy import select

from app.extensions import db
from app.models import (
    BookingStatus,
    ConferenceSession,
    EditionRoleKind,
    SessionBooking,
    SessionStatus,
    User,
)
from app.registrations import services
from tests.factories import grant, make_room, make_session, make_user, make_venue
from tests.registrations.conftest import open_edition


def _who(user) -> SimpleNamespace:
    return SimpleNamespace(id=user.id, email=user.email)


def _setup(app, capacity=1, room_capacity=100):
    with app.app_context():
        edition = open_edition()
        room = make_room(make_venue(edition), capacity=room_capacity)
        workshop = make_session(
            edition, capacity=capacity, room=room, status=SessionStatus.CONFIRMED
        )
        people = [make_user(display_name=f"Person {n}") for n in range(2)]
        for person in people:
            services.register(edition, person, full_name=person.display_name)
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        found = SimpleNamespace(
            slug=edition.slug,
            session_id=workshop.id,
            people=[_who(p) for p in people],
            organiser=_who(organiser),
            stranger=_who(make_user()),
        )
        db.session.commit()
        return found


def test_book_a_seat_then_the_next_one_queues_and_sees_their_place(app, client, login):
    world = _setup(app)
    page = f"/sessions/{world.session_id}"
    login(world.people[0])
    assert b"Book a seat" in client.get(page).data
    answer = client.post(f"{page}/seat")
    assert answer.status_code == 303 and answer.location.endswith(f"{page}#seat")
    assert b"Your seat is booked." in client.get(page).data
    client.post("/logout")
    login(world.people[1])
    assert b"Join the queue" in client.get(page).data
    client.post(f"{page}/seat")
    assert b"You are number 1 in the queue." in client.get(page).data
    assert b"Number 1 in the queue for a seat" in client.get("/agenda").data


def test_giving_up_a_seat_hands_it_to_the_queue(app, client, login):
    world = _setup(app)
    with app.app_context():
        workshop = db.session.get(ConferenceSession, world.session_id)
        for person in world.people:
            services.book_seat(workshop, db.session.get(User, person.id))
        db.session.commit()
    login(world.people[0])
    answer = client.post(f"/sessions/{world.session_id}/seat/cancel")
    assert answer.status_code == 303
    with app.app_context():
        second = db.session.scalar(
            select(SessionBooking).where(SessionBooking.user_id == world.people[1].id)
        )
        assert second.status is BookingStatus.BOOKED


def test_someone_not_registered_is_invited_to_register_and_refused(app, client, login):
    world = _setup(app)
    login(world.stranger)
    page = client.get(f"/sessions/{world.session_id}")
    assert b"Seats are for registered attendees." in page.data
    answer = client.post(f"/sessions/{world.session_id}/seat", follow_redirects=True)
    assert answer.status_code == 200
    assert b"Only attendees registered for" in answer.data
    assert client.post("/sessions/999999/seat").status_code == 404
    assert client.post(f"/sessions/{world.session_id}/seat/cancel").status_code == 404


def test_organisers_see_and_export_the_bookings_formula_safe(app, client, login):
    world = _setup(app)
    with app.app_context():
        workshop = db.session.get(ConferenceSession, world.session_id)
        first = db.session.get(User, world.people[0].id)
        first.display_name = '=HYPERLINK("x")'
        for person in world.people:
            services.book_seat(workshop, db.session.get(User, person.id))
        db.session.commit()
    login(world.organiser)
    overview = client.get(f"/editions/{world.slug}/manage/bookings")
    assert overview.status_code == 200
    assert f"/sessions/{world.session_id}/bookings".encode() in overview.data
    listing = client.get(f"/sessions/{world.session_id}/bookings")
    assert b"Person 1" in listing.data and b"Queue" in listing.data
    csv = client.get(f"/sessions/{world.session_id}/bookings.csv")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "'=HYPERLINK" in text and "waitlisted,1" in text
    client.post("/logout")
    login(world.people[0])
    assert client.get(f"/sessions/{world.session_id}/bookings").status_code == 403


def test_the_session_form_says_when_the_capacity_exceeds_the_room(app, client, login):
    world = _setup(app, capacity=1, room_capacity=20)
    login(world.organiser)
    form = client.get(f"/sessions/{world.session_id}/edit")
    assert b"Seats to book" in form.data
    with app.app_context():
        workshop = db.session.get(ConferenceSession, world.session_id)
        data = {
            "kind": workshop.kind.value,
            "title": workshop.title,
            "room_id": workshop.room_id,
            "starts_local": workshop.starts_local.strftime("%Y-%m-%dT%H:%M"),
            "ends_local": workshop.ends_local.strftime("%Y-%m-%dT%H:%M"),
            "status": workshop.status.value,
            "capacity": "50",
            "version": str(workshop.version_id),
        }
    answer = client.post(f"/sessions/{world.session_id}/edit", data=data, follow_redirects=True)
    assert answer.status_code == 200
    assert b"only 20 of the 50 seats can be booked" in answer.data
    with app.app_context():
        assert db.session.get(ConferenceSession, world.session_id).seats == 20
    refused = client.post(f"/sessions/{world.session_id}/edit", data={**data, "capacity": "0"})
    assert refused.status_code in (200, 422) and b"At least 1 seat" in refused.data
