"""My agenda names a venue's time zone once per day, not after every time, and the
ticket's "Cancel my registration" is a secondary button, not the main action."""

from datetime import datetime
from types import SimpleNamespace

from app.calendars import services as calendars
from app.extensions import db
from tests.factories import make_edition, make_session, make_user


def test_my_agenda_names_the_zone_once_per_day(app, client, login):
    with app.app_context():
        edition = make_edition(timezone="Africa/Tunis")
        user = make_user()
        for hour in (9, 11, 14):
            item = make_session(
                edition, datetime(2027, 3, 10, hour), datetime(2027, 3, 10, hour, 45)
            )
            calendars.star_session(user, item)
        calendars.star_session(
            user, make_session(edition, datetime(2027, 3, 11, 9), datetime(2027, 3, 11, 10))
        )
        person = SimpleNamespace(id=user.id, email=user.email)
        db.session.commit()
    login(person)
    page = client.get("/agenda").get_data(as_text=True)
    assert page.count("agenda-time") == 4
    assert page.count('class="muted agenda-zone">Africa/Tunis<') == 2


def test_the_zone_is_named_again_when_it_changes_within_a_day(app, client, login):
    with app.app_context():
        edition = make_edition(timezone="Africa/Tunis")
        user = make_user()
        calendars.star_session(
            user, make_session(edition, datetime(2027, 3, 10, 9), datetime(2027, 3, 10, 10))
        )
        calendars.star_session(
            user,
            make_session(
                edition,
                datetime(2027, 3, 10, 15),
                datetime(2027, 3, 10, 16),
                timezone="Europe/Paris",
            ),
        )
        person = SimpleNamespace(id=user.id, email=user.email)
        db.session.commit()
    login(person)
    page = client.get("/agenda").get_data(as_text=True)
    assert page.count("agenda-zone") == 2


def test_with_one_zone_chosen_no_time_repeats_it(app, client, login):
    with app.app_context():
        edition = make_edition(timezone="Africa/Tunis")
        user = make_user()
        for hour in (9, 11):
            item = make_session(
                edition, datetime(2027, 3, 10, hour), datetime(2027, 3, 10, hour, 45)
            )
            calendars.star_session(user, item)
        person = SimpleNamespace(id=user.id, email=user.email)
        db.session.commit()
    login(person)
    page = client.get("/agenda?tz=Europe/Paris").get_data(as_text=True)
    assert "agenda-zone" not in page and "Europe/Paris" in page
