"""Seats at sessions with a capacity (workshops): the queue, the room's limit, who may book,
a cancelled session, through the services (no HTTP)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from app.models import AgendaEntry, BookingStatus, OutboxMessage, SessionBooking, SessionStatus
from app.program import services as program
from app.registrations import queries, services
from tests.factories import make_room, make_session, make_venue
from tests.registrations.conftest import attendee, open_edition, register

pytestmark = pytest.mark.usefixtures("app_ctx")

BOOKED = BookingStatus.BOOKED
WAITLISTED = BookingStatus.WAITLISTED
CANCELLED = BookingStatus.CANCELLED


def _mails(kind: str, user) -> int:
    return len(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == kind, OutboxMessage.recipient == user.email
            )
        ).all()
    )


def _workshop(capacity: int | None = 2, room_capacity: int | None = 100, **fields):
    edition = open_edition()
    room = None
    if room_capacity is not None:
        room = make_room(make_venue(edition), capacity=room_capacity)
    workshop = make_session(edition, capacity=capacity, room=room, **fields)
    return edition, workshop


def _registered(edition, n):
    person = attendee(n)
    register(edition, person)
    return person


def test_seats_then_the_queue_in_order_and_the_session_in_my_agenda():
    edition, workshop = _workshop(capacity=2)
    people = [_registered(edition, n) for n in range(4)]
    made = [services.book_seat(workshop, person) for person in people]
    assert [b.status for b in made] == [BOOKED, BOOKED, WAITLISTED, WAITLISTED]
    assert [queries.queue_position(b) for b in made] == [None, None, 1, 2]
    starred = db.session.scalars(
        select(AgendaEntry.user_id).where(AgendaEntry.session_id == workshop.id)
    ).all()
    assert sorted(starred) == sorted(p.id for p in people)
    assert queries.seats_of_user(people[3]) == {workshop.id: (WAITLISTED, 2)}


def test_giving_up_a_seat_moves_the_first_in_line_up_and_tells_them_only():
    edition, workshop = _workshop(capacity=1)
    first, second, third = (_registered(edition, n) for n in range(3))
    held = services.book_seat(workshop, first)
    waiting = services.book_seat(workshop, second)
    services.book_seat(workshop, third)
    assert services.cancel_seat(held) == [waiting]
    assert waiting.status is BOOKED and waiting.promoted_at is not None
    assert _mails("registrations.seat_promoted", second) == 1
    assert _mails("registrations.seat_promoted", third) == 0
    assert queries.count_bookings(workshop.id, BOOKED) == 1
    with pytest.raises(Conflict):
        services.cancel_seat(held)


def test_a_room_never_seats_more_than_it_holds():
    edition, workshop = _workshop(capacity=5, room_capacity=2)
    assert workshop.seats == 2
    made = [services.book_seat(workshop, _registered(edition, n)) for n in range(3)]
    assert [b.status for b in made] == [BOOKED, BOOKED, WAITLISTED]


def test_only_confirmed_attendees_of_the_edition_book():
    edition, workshop = _workshop(capacity=3)
    with pytest.raises(services.BookingRefused):
        services.book_seat(workshop, attendee("stranger"))
    other_edition = open_edition()
    with pytest.raises(services.BookingRefused):
        services.book_seat(workshop, _registered(other_edition, "elsewhere"))
    full = open_edition(capacity=1)
    full_workshop = make_session(full, capacity=3)
    _registered(full, "holder")
    waiting = _registered(full, "waiting")
    with pytest.raises(services.BookingRefused):
        services.book_seat(full_workshop, waiting)
    assert queries.count_bookings(workshop.id, BOOKED) == 0


def test_booking_twice_is_refused_and_booking_again_after_giving_up_joins_the_end():
    edition, workshop = _workshop(capacity=1)
    first, second = _registered(edition, 1), _registered(edition, 2)
    mine = services.book_seat(workshop, first)
    with pytest.raises(services.AlreadyBooked):
        services.book_seat(workshop, first)
    services.book_seat(workshop, second)
    services.cancel_seat(mine)
    again = services.book_seat(workshop, first)
    assert again.id == mine.id and again.status is WAITLISTED
    assert queries.queue_position(again) == 1


def test_no_capacity_a_cancelled_or_past_session_takes_no_booking():
    edition, open_talk = _workshop(capacity=None)
    person = _registered(edition, 1)
    with pytest.raises(services.BookingRefused):
        services.book_seat(open_talk, person)
    cancelled = make_session(edition, capacity=3, status=SessionStatus.CANCELLED)
    with pytest.raises(services.BookingRefused):
        services.book_seat(cancelled, person)
    past = make_session(edition, datetime(2020, 1, 1, 10), datetime(2020, 1, 1, 11), capacity=3)
    with pytest.raises(services.BookingRefused):
        services.book_seat(past, person)


def test_less_capacity_removes_nobody_and_more_capacity_moves_the_queue_up():
    edition, workshop = _workshop(capacity=3)
    people = [_registered(edition, n) for n in range(5)]
    made = [services.book_seat(workshop, p) for p in people]
    data = program._form_data(workshop)
    program.save_session(edition, {**data, "capacity": 1}, session_=workshop)
    assert queries.count_bookings(workshop.id, BOOKED) == 3
    # Over capacity, a seat given up goes to nobody.
    assert services.cancel_seat(made[0]) == []
    program.save_session(edition, {**data, "capacity": 4}, session_=workshop)
    assert made[3].status is BOOKED and made[4].status is BOOKED
    assert _mails("registrations.seat_promoted", people[4]) == 1


def test_a_cancelled_session_releases_everyone_with_a_mail():
    edition, workshop = _workshop(capacity=1)
    holder, waiting = _registered(edition, 1), _registered(edition, 2)
    services.book_seat(workshop, holder)
    services.book_seat(workshop, waiting)
    program.cancel_session(workshop)
    bookings = db.session.scalars(select(SessionBooking)).all()
    assert {b.status for b in bookings if b.session_id == workshop.id} == {CANCELLED}
    assert all(b.is_released for b in bookings if b.session_id == workshop.id)
    assert _mails("registrations.seat_released", holder) == 1
    assert _mails("registrations.seat_released", waiting) == 1
    assert _mails("registrations.seat_promoted", waiting) == 0


def test_a_cancelled_registration_gives_up_its_seats():
    edition, workshop = _workshop(capacity=1)
    holder, waiting = _registered(edition, 1), _registered(edition, 2)
    services.book_seat(workshop, holder)
    queued = services.book_seat(workshop, waiting)
    services.cancel(queries.registration_of(holder, edition), now=datetime.now(UTC))
    assert queued.status is BOOKED
    assert queries.seats_of_user(holder) == {}
