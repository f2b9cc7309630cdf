"""The waiting list under real concurrency, on PostgreSQL: cancellations and registrations
at the same time, on real connections, never give away more places than the capacity and
never skip anyone in the line (the edition's row is locked with ``SELECT ... FOR UPDATE``).

SQLite serialises whole transactions and answers "database is locked" to the loser, so
there the same rules are covered one request at a time by test_services.py."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Edition,
    OutboxMessage,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    Series,
    User,
)
from app.registrations import services
from tests.factories import make_edition, make_user

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

        def register(user_id):
            def job():
                services.register(
                    db.session.get(Edition, ids["edition"]),
                    db.session.get(User, user_id),
                    full_name="Late",
                )

            return job

        # Two holders cancel while three newcomers register, all at the same moment.
        errors = _run_together(
            shared_app,
            [cancel(ids["holders"][0]), cancel(ids["holders"][1])]
            + [register(user_id) for user_id in ids["late"]],
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
