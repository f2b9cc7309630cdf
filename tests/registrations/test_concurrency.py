"""The waiting lists (of an edition, of a session's seats) under real concurrency, on
PostgreSQL: cancellations and registrations (or bookings) at the same time, on real
connections, never give away more places than the capacity and never skip anyone in the
line (the edition's or the session's row is locked with ``SELECT ... FOR UPDATE``).

SQLite serialises whole transactions and answers "database is locked" to the loser, so
there the same rules are covered one request at a time by test_services.py."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AgendaEntry,
    BookingStatus,
    ConferenceSession,
    Edition,
    OutboxMessage,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    Series,
    SessionBooking,
    User,
)
from app.registrations import services
from tests.factories import make_edition, make_session, make_user

CAPACITY = 3


@pytest.fixture
def shared_app(app):
    """The suite's app, on PostgreSQL only."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (TEST_DATABASE_URL)")
    return app


def _clean(app, edition_id: int, series_id: int, user_ids: list[int]) -> None:
    with app.app_context():
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.edition_id == edition_id))
        db.session.execute(sa.delete(Registration).where(Registration.edition_id == edition_id))
        db.session.execute(
            sa.delete(RegistrationSettings).where(RegistrationSettings.edition_id == edition_id)
        )
        db.session.execute(sa.delete(User).where(User.id.in_(user_ids)))
        db.session.execute(sa.delete(Edition).where(Edition.id == edition_id))
        db.session.execute(sa.delete(Series).where(Series.id == series_id))
        db.session.commit()


def _registering(edition_id: int, user_id: int):
    """A job that registers ``user_id`` for the edition, for :func:`_run_together`."""

    def job():
        services.register(
            db.session.get(Edition, edition_id), db.session.get(User, user_id), full_name="Racer"
        )

    return job


def _run_together(app, jobs) -> list[BaseException]:
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        with app.app_context():
            try:
                start.wait(timeout=10)
                job()
                db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported to the test)
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.real_commits
def test_cancellations_and_registrations_racing_keep_capacity_and_order(shared_app):
    with shared_app.app_context():
        edition = make_edition(slug="race-registrations")
        services.save_settings(
            edition, is_open=True, capacity=CAPACITY, closes_local=None, questions=[]
        )
        people = [make_user(email=f"race{n}@example.org") for n in range(CAPACITY + 6)]
        for person in people[: CAPACITY + 3]:
            services.register(edition, person, full_name=person.display_name)
        db.session.commit()
        ids = {
            "edition": edition.id,
            "series": edition.series_id,
            "users": [p.id for p in people],
            "holders": [p.id for p in people[:CAPACITY]],
            "late": [p.id for p in people[CAPACITY + 3 :]],
        }
    try:

        def cancel(user_id):
            def job():
                mine = db.session.scalar(
                    sa.select(Registration).where(
                        Registration.user_id == user_id, Registration.edition_id == ids["edition"]
                    )
                )
                services.cancel(mine)

            return job

        # Two holders cancel while three newcomers register, all at the same moment.
        errors = _run_together(
            shared_app,
            [cancel(ids["holders"][0]), cancel(ids["holders"][1])]
            + [_registering(ids["edition"], user_id) for user_id in ids["late"]],
        )
        assert errors == []
        with shared_app.app_context():
            rows = db.session.scalars(
                sa.select(Registration)
                .where(Registration.edition_id == ids["edition"])
                .order_by(Registration.id)
            ).all()
            by_user = {r.user_id: r for r in rows}
            registered = [r for r in rows if r.status is RegistrationStatus.REGISTERED]
            assert len(registered) == CAPACITY
            # The three who waited before the race are served first, in their order:
            # two places freed, so the first two of them have one, the third still waits.
            waiting_before = ids["users"][CAPACITY : CAPACITY + 3]
            assert by_user[waiting_before[0]].status is RegistrationStatus.REGISTERED
            assert by_user[waiting_before[1]].status is RegistrationStatus.REGISTERED
            assert by_user[waiting_before[2]].status is RegistrationStatus.WAITLISTED
            for user_id in ids["late"]:
                assert by_user[user_id].status is RegistrationStatus.WAITLISTED
            promoted_mails = db.session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(
                    OutboxMessage.kind == "registrations.promoted",
                    OutboxMessage.edition_id == ids["edition"],
                )
            )
            assert promoted_mails == 2
    finally:
        _clean(shared_app, ids["edition"], ids["series"], ids["users"])


# Seats at a session ------------------------------------------------------------------------

SEATS = 2


def _session_world(app, slug: str, people: int, booked: int, waiting: int) -> dict:
    """A workshop of SEATS seats, ``people`` registered, the first ones booked then queued."""
    with app.app_context():
        edition = make_edition(slug=slug)
        services.save_settings(
            edition, is_open=True, capacity=None, closes_local=None, questions=[]
        )
        workshop = make_session(edition, capacity=SEATS)
        users = [make_user(email=f"{slug}{n}@example.org") for n in range(people)]
        for person in users:
            services.register(edition, person, full_name=person.display_name)
        for person in users[: booked + waiting]:
            services.book_seat(workshop, person)
        db.session.commit()
        return {
            "edition": edition.id,
            "series": edition.series_id,
            "session": workshop.id,
            "users": [u.id for u in users],
        }


def _book(ids, user_id):
    def job():
        services.book_seat(
            db.session.get(ConferenceSession, ids["session"]), db.session.get(User, user_id)
        )

    return job


def _give_up(ids, user_id):
    def job():
        mine = db.session.scalar(
            sa.select(SessionBooking).where(
                SessionBooking.user_id == user_id, SessionBooking.session_id == ids["session"]
            )
        )
        services.cancel_seat(mine)

    return job


def _bookings(app, ids) -> dict:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(SessionBooking).where(SessionBooking.session_id == ids["session"])
        ).all()
        return {r.user_id: r.status for r in rows}


def _clean_sessions(app, ids) -> None:
    with app.app_context():
        db.session.execute(
            sa.delete(SessionBooking).where(SessionBooking.session_id == ids["session"])
        )
        db.session.execute(sa.delete(AgendaEntry).where(AgendaEntry.session_id == ids["session"]))
        db.session.execute(
            sa.delete(ConferenceSession).where(ConferenceSession.id == ids["session"])
        )
        db.session.commit()
    _clean(app, ids["edition"], ids["series"], ids["users"])


@pytest.mark.real_commits
def test_last_seat_bookings_at_once_never_exceed_the_seats(shared_app):
    # One seat left: several people book it at the same moment, each on its own connection.
    ids = _session_world(shared_app, "race-last-seat", people=7, booked=1, waiting=0)
    try:
        late = ids["users"][1:]
        errors = _run_together(shared_app, [_book(ids, user_id) for user_id in late])
        assert errors == []
        statuses = _bookings(shared_app, ids)
        assert list(statuses.values()).count(BookingStatus.BOOKED) == SEATS
        assert [statuses[u] for u in late].count(BookingStatus.WAITLISTED) == len(late) - 1
    finally:
        _clean_sessions(shared_app, ids)


@pytest.mark.real_commits
def test_cancellations_racing_promotions_skip_nobody(shared_app):
    # Two seats held (A, B), three waiting (C, D, E). At once: A and B give up, C leaves
    # the queue, F and G book. D and E must get the seats, in line; F and G wait.
    ids = _session_world(shared_app, "race-seat-queue", people=7, booked=2, waiting=3)
    try:
        a, b, c, d, e, f, g = ids["users"]
        errors = _run_together(
            shared_app,
            [_give_up(ids, a), _give_up(ids, b), _give_up(ids, c), _book(ids, f), _book(ids, g)],
        )
        assert errors == []
        statuses = _bookings(shared_app, ids)
        assert list(statuses.values()).count(BookingStatus.BOOKED) == SEATS
        assert statuses[d] is BookingStatus.BOOKED and statuses[e] is BookingStatus.BOOKED
        assert {statuses[a], statuses[b], statuses[c]} == {BookingStatus.CANCELLED}
        assert statuses[f] is BookingStatus.WAITLISTED and statuses[g] is BookingStatus.WAITLISTED
        with shared_app.app_context():
            told = db.session.scalars(
                sa.select(OutboxMessage.recipient).where(
                    OutboxMessage.kind == "registrations.seat_promoted",
                    OutboxMessage.edition_id == ids["edition"],
                )
            ).all()
        # C may have been handed A's seat just before leaving: then C was told too.
        assert sorted(told) in (
            sorted([f"race-seat-queue{n}@example.org" for n in (3, 4)]),
            sorted([f"race-seat-queue{n}@example.org" for n in (2, 3, 4)]),
        )
    finally:
        _clean_sessions(shared_app, ids)


@pytest.mark.real_commits
def test_session_changes_and_registrations_racing_each_move_the_edition_version(shared_app):
    """Every session change moves its edition's data version in the same transaction (one
    row, ``data_version + 1``): organisers saving sessions of one edition at once, while
    people register (who lock the same row), lose no move and deadlock nowhere."""
    with shared_app.app_context():
        edition = make_edition(slug="race-versions")
        services.save_settings(
            edition, is_open=True, capacity=None, closes_local=None, questions=[]
        )
        sessions = [make_session(edition, title=f"Race {n}") for n in range(4)]
        people = [make_user(email=f"version-race{n}@example.org") for n in range(3)]
        db.session.commit()
        ids = {
            "edition": edition.id,
            "series": edition.series_id,
            "sessions": [s.id for s in sessions],
            "users": [p.id for p in people],
            "version": edition.data_version,
        }
    try:

        def retitle(session_id):
            def job():
                db.session.get(ConferenceSession, session_id).title = f"Moved {session_id}"

            return job

        errors = _run_together(
            shared_app,
            [retitle(id_) for id_ in ids["sessions"]]
            + [_registering(ids["edition"], id_) for id_ in ids["users"]],
        )
        assert errors == []
        with shared_app.app_context():
            edition = db.session.get(Edition, ids["edition"])
            assert edition.data_version == ids["version"] + len(ids["sessions"])
            assert edition.data_changed_at is not None
    finally:
        with shared_app.app_context():
            db.session.execute(
                sa.delete(ConferenceSession).where(ConferenceSession.edition_id == ids["edition"])
            )
            db.session.commit()
        _clean(shared_app, ids["edition"], ids["series"], ids["users"])
