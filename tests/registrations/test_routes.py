"""The attendees' and organisers' pages: status, redirect or message, and one database effect."""

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select

from app.calendars import services as calendars
from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    EditionRoleKind,
    EditionStatus,
    Registration,
    User,
)
from app.registrations import queries, services
from tests.factories import grant, make_edition, make_session, make_user
from tests.registrations.conftest import open_edition


def _who(user) -> SimpleNamespace:
    """What the login helper needs of a user, readable once the app context is gone."""
    return SimpleNamespace(id=user.id, email=user.email)


def _setup(app, **settings):
    with app.app_context():
        edition = open_edition(**settings)
        person = make_user()
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        found = edition.slug, _who(person), _who(organiser)
        db.session.commit()
        return found


def _edition(slug: str) -> Edition:
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def test_an_anonymous_visitor_is_sent_to_log_in(app, client):
    slug, _person, _organiser = _setup(app)
    answer = client.get(f"/editions/{slug}/register")
    assert answer.status_code == 302 and "/login" in answer.location


def test_register_then_registering_twice_goes_to_the_ticket(app, client, login):
    slug, person, _organiser = _setup(app)
    login(person)
    answer = client.post(f"/editions/{slug}/register", data={"full_name": "Amel"})
    assert answer.status_code == 302 and answer.location.endswith(f"/editions/{slug}/ticket")
    again = client.post(f"/editions/{slug}/register", data={"full_name": "Amel"})
    assert again.status_code == 302
    with app.app_context():
        count = len(db.session.scalars(select(Registration)).all())
    assert count == 1
    ticket = client.get(f"/editions/{slug}/ticket")
    assert b"data:image/svg+xml" in ticket.data


def test_a_full_edition_puts_people_on_the_waiting_list(app, client, login):
    slug, person, _organiser = _setup(app, capacity=1)
    login(_committed_user(app))
    client.post(f"/editions/{slug}/register", data={"full_name": "First"})
    client.post("/logout")
    login(person)
    client.post(f"/editions/{slug}/register", data={"full_name": "Second"})
    page = client.get(f"/editions/{slug}/ticket")
    assert b"number 1 on the waiting list" in page.data


def _committed_user(app):
    with app.app_context():
        user = _who(make_user())
        db.session.commit()
        return user


def test_a_closed_registration_says_so(app, client, login):
    slug, person, _organiser = _setup(app)
    with app.app_context():
        settings = queries.settings_of(_edition(slug))
        settings.is_open = False
        db.session.commit()
    login(person)
    page = client.get(f"/editions/{slug}/register")
    assert b"Registration for this edition is closed." in page.data
    refused = client.post(f"/editions/{slug}/register", data={"full_name": "Late"})
    assert refused.status_code == 422


def test_an_unpublished_edition_has_no_registration_page(app, client, login):
    with app.app_context():
        draft = make_edition(status=EditionStatus.DRAFT)
        person = _who(make_user())
        slug = draft.slug
        db.session.commit()
    login(person)
    assert client.get(f"/editions/{slug}/register").status_code == 404


def test_check_in_at_the_door_and_another_edition_ticket(app, client, login):
    slug, person, organiser = _setup(app)
    with app.app_context():
        here = _edition(slug)
        mine = services.register(here, db.session.get(User, person.id), full_name="Amel")
        elsewhere = open_edition()
        theirs = services.register(elsewhere, make_user(), full_name="Other")
        db.session.commit()
        codes = mine.ticket_code, theirs.ticket_code
    login(organiser)
    page = client.get(f"/editions/{slug}/manage/check-in?code={codes[0]}")
    assert b"Amel" in page.data
    done = client.post(f"/editions/{slug}/manage/check-in", data={"code": codes[0]})
    assert b"Amel is checked in." in done.data
    twice = client.post(f"/editions/{slug}/manage/check-in", data={"code": codes[0]})
    assert b"already checked in" in twice.data
    foreign = client.post(f"/editions/{slug}/manage/check-in", data={"code": codes[1]})
    assert foreign.status_code == 422 and b"another edition" in foreign.data
    forged = client.post(f"/editions/{slug}/manage/check-in", data={"code": "forged"})
    assert forged.status_code == 422 and b"Unknown ticket" in forged.data


def test_the_csv_is_formula_safe(app, client, login):
    slug, person, organiser = _setup(app)
    with app.app_context():
        here = _edition(slug)
        services.register(here, db.session.get(User, person.id), full_name='=HYPERLINK("x")')
        db.session.commit()
    login(organiser)
    answer = client.get(f"/editions/{slug}/manage/registrations.csv")
    assert answer.mimetype == "text/csv"
    assert "'=HYPERLINK" in answer.get_data(as_text=True)


def test_my_agenda_flags_overlaps_and_changes_since_the_last_visit(app, client, login):
    with app.app_context():
        edition = make_edition()
        one = make_session(edition, datetime(2027, 3, 10, 10), datetime(2027, 3, 10, 11), title="A")
        two = make_session(
            edition, datetime(2027, 3, 10, 10, 30), datetime(2027, 3, 10, 12), title="B"
        )
        user = make_user()
        calendars.star_session(user, one)
        calendars.star_session(user, two)
        person, two_id = _who(user), two.id
        db.session.commit()
    login(person)
    first = client.get("/agenda").get_data(as_text=True)
    assert first.count("overlap-flag") == 2 and "Changed since your last visit" not in first
    with app.app_context():
        moved = db.session.get(ConferenceSession, two_id)
        moved.sequence += 1
        db.session.commit()
    second = client.get("/agenda").get_data(as_text=True)
    assert second.count("Changed since your last visit") == 1
    third = client.get("/agenda").get_data(as_text=True)
    assert "Changed since your last visit" not in third
