"""A double-clicked submit, really concurrent: one submission, one transition, one mail."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Edition,
    EditionRole,
    Organisation,
    OutboxMessage,
    Series,
    Showcase,
    ShowcaseStatus,
    ShowcaseTransition,
    Track,
    User,
    UserSession,
)
from app.showcases import services
from tests.factories import make_edition, make_organisation, make_track, make_user
from tests.file_database import app_on_file_database
from tests.showcases.conftest import set_call
from tests.support import sign_in


@pytest.fixture
def shared_app(app, tmp_path):
    """The suite's app on PostgreSQL; on SQLite an app of its own on a database file (the
    in-memory database is a single connection)."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        yield app
        return
    with app_on_file_database(tmp_path / "showcases.sqlite3") as file_app:
        yield file_app


def _clean(app, ids: dict) -> None:
    with app.app_context():
        for model, column, value in (
            (OutboxMessage, OutboxMessage.recipient, "race@darmobility.ma"),
            (AuditEntry, AuditEntry.edition_id, ids["edition"]),
            (UserSession, UserSession.user_id, ids["user"]),
            (ShowcaseTransition, ShowcaseTransition.showcase_id, ids["showcase"]),
            (Showcase, Showcase.id, ids["showcase"]),
            (EditionRole, EditionRole.edition_id, ids["edition"]),
            (Track, Track.edition_id, ids["edition"]),
            (User, User.id, ids["user"]),
            (Organisation, Organisation.id, ids["organisation"]),
            (Edition, Edition.id, ids["edition"]),
            (Series, Series.id, ids["series"]),
        ):
            db.session.execute(sa.delete(model).where(column == value))
        db.session.commit()


@pytest.mark.real_commits
def test_two_simultaneous_submits_make_one_submission(shared_app):
    with shared_app.app_context():
        edition = make_edition(slug="race-2027")
        set_call(edition, timedelta(days=-1), timedelta(days=1))
        track = make_track(edition, name="Race axis")
        organisation = make_organisation(name="Race Mobility")
        user = make_user(email="race@darmobility.ma", organisation=organisation)
        showcase = services.create_draft(
            user, edition, {"title": "Race", "kind": "project", "summary": "Fast."}
        ).showcase
        db.session.commit()
        ids = {
            "showcase": showcase.id,
            "edition": edition.id,
            "series": edition.series_id,
            "user": user.id,
            "organisation": organisation.id,
        }
        form = {"version": showcase.version_id, "track_id": track.id}
    try:
        start = threading.Barrier(2)
        answers: list[int] = []
        errors: list[BaseException] = []

        # Signed in one after the other: signing in writes a session row.
        clients = [sign_in(shared_app.test_client(), ids["user"]) for _ in range(2)]

        def click() -> None:
            client = clients.pop()
            try:
                start.wait()
                answers.append(client.post(f"/showcases/{ids['showcase']}/submit", data=form))
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert errors == []
        codes = sorted(response.status_code for response in answers)
        # PostgreSQL: the second UPDATE waits, finds a new version and says "already
        # submitted". SQLite may refuse the second writer outright (503), saving nothing.
        assert codes in ([302, 302], [302, 503])
        with shared_app.app_context():
            stored = db.session.get(Showcase, ids["showcase"])
            assert stored.status is ShowcaseStatus.SUBMITTED
            steps = db.session.scalars(
                sa.select(ShowcaseTransition.to_status).where(
                    ShowcaseTransition.showcase_id == ids["showcase"]
                )
            ).all()
            assert sorted(s.value for s in steps) == ["draft", "submitted"]
            acks = db.session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(
                    OutboxMessage.kind == "showcases.received"
                )
            )
            assert acks == 1
    finally:
        _clean(shared_app, ids)
