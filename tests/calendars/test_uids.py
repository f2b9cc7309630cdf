"""UIDs belong to their objects: a new address for the site changes none of them, and
the migration that stored them kept the UIDs subscribers already had."""

from datetime import date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from icalendar import Calendar
from sqlalchemy import MetaData, Table, create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.calendars.queries.cache import feed_cache
from app.extensions import db
from app.ical import agreement_to_ical
from app.models import Agreement, AgreementKind, Thinklab
from config import TestingConfig
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_edition, make_session


def _uids(data: bytes) -> set[str]:
    return {str(event["UID"]) for event in Calendar.from_ical(data).walk("VEVENT")}


def test_uids_survive_a_change_of_the_base_url(app, client, monkeypatch):
    with app.app_context():
        edition = make_edition(slug="uid-edition")
        session_ = make_session(edition)
        thinklab = Thinklab(
            slug="uid-thinklab",
            name="UID thinklab",
            timezone="Europe/Paris",
            first_meeting_local=datetime(2027, 1, 12, 18),
            rrule="FREQ=WEEKLY;COUNT=4",
        )
        agreement = Agreement(
            kind=AgreementKind.TWINNING, title="Twinning", effective_date=date(2027, 1, 1)
        )
        db.session.add_all([thinklab, agreement])
        db.session.commit()
        session_id, agreement_id = session_.id, agreement.id
        stored = {session_.ical_uid, thinklab.ical_uid}
    urls = [
        f"/sessions/{session_id}/calendar.ics",
        "/editions/uid-edition/calendar.ics",
        "/thinklabs/uid-thinklab/calendar.ics",
    ]

    def read_all() -> tuple[set[str], bytes]:
        feed_cache.clear()
        bodies = [client.get(url).data for url in urls]
        with app.app_context():
            bodies.append(agreement_to_ical(db.session.get(Agreement, agreement_id)).to_ical())
        return set().union(*(_uids(body) for body in bodies)), b"".join(bodies)

    before, body_before = read_all()
    monkeypatch.setitem(app.config, "AGORA_BASE_URL", "https://calendars.agora.example")
    after, body_after = read_all()
    assert stored <= before
    assert after == before
    assert b"calendars.agora.example" in body_after.replace(b"\r\n ", b"")
    assert b"calendars.agora.example" not in body_before.replace(b"\r\n ", b"")
    assert not any("agora.test" in uid or "calendars.agora" in uid for uid in after)


def test_new_objects_get_distinct_uids_naming_no_host(app_ctx):
    edition = make_edition(slug="uid-new")
    first, second = make_session(edition), make_session(edition)
    assert first.ical_uid != second.ical_uid
    assert first.ical_uid.startswith("session-") and "@" not in first.ical_uid


# The migration --------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'uids.sqlite3'}"
        return
    if not (TEST_DATABASE_URL or "").startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL does not point at PostgreSQL")
    server = make_url(TEST_DATABASE_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = "agora_uid_migration_check"
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


ROWS = {
    "series": {"id": 3, "slug": "s", "name": "S", "description": ""},
    "editions": {
        "id": 5,
        "series_id": 3,
        "slug": "e",
        "number": 1,
        "year": 2023,
        "title": "E",
        "theme": "",
        "description": "",
        "format": "conference",
        "timezone": "Africa/Casablanca",
        "start_date": date(2023, 3, 1),
        "end_date": date(2023, 3, 2),
        "status": "published",
        "patronage": "",
        "organised_by": "",
    },
    "conference_sessions": {
        "id": 14,
        "edition_id": 5,
        "kind": "talk",
        "title": "T",
        "abstract": "",
        "status": "confirmed",
        "sequence": 0,
        "version_id": 1,
        "timezone": "Africa/Casablanca",
        "starts_local": datetime(2023, 3, 1, 10),
        "ends_local": datetime(2023, 3, 1, 11),
        "starts_at": datetime(2023, 3, 1, 9),
        "ends_at": datetime(2023, 3, 1, 10),
    },
    "thinklabs": {
        "id": 2,
        "slug": "t",
        "name": "T",
        "description": "",
        "timezone": "Europe/Paris",
        "meeting_minutes": 90,
        "rrule": "",
        "meeting_mode": "online",
        "location": "",
        "sequence": 0,
    },
    "agreements": {
        "id": 9,
        "kind": "twinning",
        "title": "A",
        "summary": "",
        "status": "draft",
        "timezone": "UTC",
        "is_public": False,
    },
}


@pytest.mark.real_commits
def test_the_migration_keeps_todays_uids_of_existing_objects(empty_database):
    class BeforeConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = empty_database
        AGORA_BASE_URL = "http://127.0.0.1:5000"  # the default address

    application = create_app(BeforeConfig)
    with application.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for table, row in ROWS.items():
                row = {**row, "created_at": datetime(2023, 1, 1)}
                if table != "series":
                    row["updated_at"] = datetime(2023, 1, 1)
                reflected = Table(table, MetaData(), autoload_with=connection)
                connection.execute(reflected.insert(), row)
        upgrade()
        with db.engine.connect() as connection:
            stored = {
                table: connection.execute(text(f"SELECT ical_uid FROM {table}")).scalar_one()
                for table in ("conference_sessions", "thinklabs", "agreements")
            }
        assert stored == {
            "conference_sessions": "session-14@127.0.0.1",
            "thinklabs": "thinklab-2@127.0.0.1",
            "agreements": "agreement-9@127.0.0.1",
        }
        agreement = db.session.get(Agreement, 9)
        agreement.effective_date = date(2027, 1, 1)
        assert _uids(agreement_to_ical(agreement).to_ical()) == {"agreement-9-effective@127.0.0.1"}
        db.session.rollback()
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
