"""Capacity, waiting list, check-in and bad input, through the services (no HTTP)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.errors import FormErrors, NotFound
from app.extensions import db
from app.models import EditionStatus, OutboxMessage, RegistrationStatus
from app.registrations import queries, services
from tests.factories import make_edition
from tests.registrations.conftest import attendee, open_edition, register

pytestmark = pytest.mark.usefixtures("app_ctx")

REGISTERED = RegistrationStatus.REGISTERED
WAITLISTED = RegistrationStatus.WAITLISTED


def _mails(kind: str, user) -> int:
    return len(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == kind, OutboxMessage.recipient == user.email
            )
        ).all()
    )


def test_a_place_then_the_waiting_list_in_order():
    edition = open_edition(capacity=2)
    people = [attendee(n) for n in range(4)]
    made = [register(edition, person) for person in people]
    assert [r.status for r in made] == [REGISTERED, REGISTERED, WAITLISTED, WAITLISTED]
    assert [queries.waiting_position(r) for r in made] == [None, None, 1, 2]
    assert _mails("registrations.confirmed", people[0]) == 1
    assert _mails("registrations.waitlisted", people[2]) == 1


def test_a_cancellation_moves_the_first_in_line_up_and_tells_them():
    edition = open_edition(capacity=1)
    first, second, third = (attendee(n) for n in range(3))
    held = register(edition, first)
    waiting = register(edition, second)
    register(edition, third)
    promoted = services.cancel(held)
    assert promoted == [waiting]
    assert waiting.status is REGISTERED and waiting.promoted_at is not None
    assert _mails("registrations.promoted", second) == 1
    assert _mails("registrations.promoted", third) == 0
    assert queries.count_with_status(edition.id, REGISTERED) == 1


def test_a_larger_capacity_moves_the_waiting_list_up():
    edition = open_edition(capacity=1)
    register(edition, attendee(1))
    waiting = [register(edition, attendee(n)) for n in (2, 3, 4)]
    promoted = services.save_settings(
        edition, is_open=True, capacity=3, closes_local=None, questions=[]
    )
    assert promoted == waiting[:2]
    assert waiting[2].status is WAITLISTED


def test_registering_twice_is_refused():
    edition = open_edition()
    person = attendee()
    register(edition, person)
    with pytest.raises(services.AlreadyRegistered):
        register(edition, person)


def test_after_cancelling_one_may_register_again_with_a_new_ticket():
    edition = open_edition()
    person = attendee()
    first = register(edition, person)
    old_code = first.ticket_code
    services.cancel(first)
    again = register(edition, person)
    assert again.id == first.id and again.status is REGISTERED
    assert again.ticket_code != old_code


def test_after_registration_closed_it_is_refused():
    edition = open_edition(closes_local=datetime(2027, 3, 1, 18, 0))
    with pytest.raises(services.RegistrationClosed):
        register(edition, attendee(), now=datetime(2027, 3, 1, 18, 30, tzinfo=UTC))
    # 18:00 in Casablanca (UTC+1 in March 2027) is 17:00 UTC: a minute before is fine.
    assert register(edition, attendee(), now=datetime(2027, 3, 1, 16, 59, tzinfo=UTC))


def test_a_closed_or_unset_registration_is_refused():
    edition = open_edition()
    services.save_settings(edition, is_open=False, capacity=None, closes_local=None, questions=[])
    with pytest.raises(services.RegistrationClosed):
        register(edition, attendee())
    with pytest.raises(services.RegistrationClosed):
        register(make_edition(), attendee())


def test_an_unpublished_edition_takes_no_registration():
    edition = open_edition()
    edition.status = EditionStatus.DRAFT
    with pytest.raises(NotFound):
        register(edition, attendee())


def test_a_name_is_needed():
    with pytest.raises(FormErrors):
        register(open_edition(), attendee(), full_name="   ")


def test_capacity_and_questions_are_checked():
    edition = open_edition()
    with pytest.raises(FormErrors):
        services.save_settings(edition, is_open=True, capacity=0, closes_local=None, questions=[])
    with pytest.raises(FormErrors):
        services.save_settings(
            edition, is_open=True, capacity=None, closes_local=None, questions=["x" * 201]
        )


def test_answers_keep_only_the_edition_questions():
    edition = open_edition()
    services.save_settings(
        edition, is_open=True, capacity=None, closes_local=None, questions=["Diet?"]
    )
    made = register(edition, attendee(), answers={"Diet?": " vegan ", "Injected?": "x"})
    assert made.answers == {"Diet?": "vegan"}


def test_check_in_once_then_it_says_so():
    edition = open_edition()
    organiser = attendee("organiser")
    made = register(edition, attendee())
    assert services.check_in(edition, made.ticket_code, by=organiser).checked_in_at
    with pytest.raises(services.AlreadyCheckedIn):
        services.check_in(edition, made.ticket_code, by=organiser)


def test_a_forged_ticket_is_refused():
    edition = open_edition()
    register(edition, attendee())
    for forged in ("", "x" * 200, "not-a-real-ticket-code", "' OR 1=1 --"):
        with pytest.raises(services.TicketRefused):
            services.check_in(edition, forged, by=attendee("organiser"))


def test_a_ticket_of_another_edition_is_refused():
    here, elsewhere = open_edition(), open_edition()
    theirs = register(elsewhere, attendee())
    with pytest.raises(services.TicketRefused, match="another edition"):
        services.check_in(here, theirs.ticket_code, by=attendee("organiser"))
    assert theirs.checked_in_at is None


def test_a_cancelled_or_waiting_ticket_is_refused_at_the_door():
    edition = open_edition(capacity=1)
    held = register(edition, attendee(1))
    waiting = register(edition, attendee(2))
    old_code = held.ticket_code
    with pytest.raises(services.TicketRefused, match="waiting list"):
        services.check_in(edition, waiting.ticket_code, by=attendee("organiser"))
    services.cancel(held)
    with pytest.raises(services.TicketRefused, match="cancelled"):
        services.check_in(edition, old_code, by=attendee("organiser"))


def test_csv_cells_never_start_a_formula():
    assert queries.csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert queries.csv_safe("+33 1") == "'+33 1"
    assert queries.csv_safe("Dar Mobility") == "Dar Mobility"
