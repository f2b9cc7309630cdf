"""Fixtures: the app, one rolled-back transaction per test, clients and users.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL``
points at one. With ``CI=true`` an unreachable PostgreSQL fails the run.
"""

import os
import shutil

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.demo import load_demo
from app.extensions import db
from app.models import User
from config import TestingConfig, _database_url
from tests.access_table import World, build_one_of_everything
from tests.support import StatementCounter, sign_in

TEST_DATABASE_URL = _database_url(os.environ.get("TEST_DATABASE_URL"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_reachable(url: str = POSTGRES_URL) -> str | None:
    """Return None when PostgreSQL answers at ``url``, else the reason it does not."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    finally:
        engine.dispose()


def _reset_schema(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        db.create_all()


@pytest.fixture(scope="session")
def app():
    if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"):
        reason = postgres_reachable(TEST_DATABASE_URL)
        if reason:
            message = f"PostgreSQL at TEST_DATABASE_URL is unreachable: {reason}"
            if IN_CI:
                pytest.exit(message, returncode=3)
            pytest.skip(message)
    application = create_app(TestingConfig)
    _reset_schema(application)
    yield application


@pytest.fixture(autouse=True)
def _transaction_per_test(request, app):
    """Run the test inside one transaction that is rolled back at the end.

    App code may commit and roll back freely: the session joins the outer
    transaction through SAVEPOINTs (``join_transaction_mode="create_savepoint"``).
    """
    if request.node.get_closest_marker("real_commits"):
        yield
        return
    with app.app_context():
        engines = db.engines
        swapped = []
        for key, engine in list(engines.items()):
            connection = engine.connect()
            transaction = connection.begin()
            engines[key] = connection
            swapped.append((key, engine, connection, transaction))
        factory_kw = db.session.session_factory.kw
        previous_mode = factory_kw.get("join_transaction_mode")
        factory_kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
            if previous_mode is None:
                factory_kw.pop("join_transaction_mode", None)
            else:
                factory_kw["join_transaction_mode"] = previous_mode
            for key, engine, connection, transaction in swapped:
                transaction.rollback()
                connection.close()
                engines[key] = engine


@pytest.fixture
def app_ctx(app):
    """An app context for tests that call services directly and make no requests."""
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Log ``user`` in on the test client (through the login page)."""

    def do_login(user, password="correct horse battery staple"):
        response = client.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture
def sign_in_by_email(app, client):
    """Sign the user of ``email`` in on the test client without the login form."""

    def do_sign_in(email: str) -> None:
        with app.app_context():
            user_id = db.session.scalar(db.select(User.id).where(User.email == email))
        sign_in(client, user_id)

    return do_sign_in


@pytest.fixture
def counting_statements() -> StatementCounter:
    """``with counting_statements() as statements:`` lists the SQL sent inside the block;
    ``counting_statements.for_page(client, path)`` counts what one page sends."""
    return StatementCounter()


@pytest.fixture
def demo(app):
    """Load the demo data for the test and commit it; the test's transaction rolls it back."""
    with app.app_context():
        created = load_demo()
        db.session.commit()
    return created


@pytest.fixture
def one_of_everything(app) -> World:
    """One object of each kind a route can name, committed, and one user of each kind
    related to them as their kind says (ids only)."""
    with app.app_context():
        world = build_one_of_everything()
        db.session.commit()
        return world


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(TestingConfig.UPLOAD_FOLDER, ignore_errors=True)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "real_commits: the test commits for real and cleans up after itself"
    )
    config.addinivalue_line("markers", "postgres: needs PostgreSQL")


def pytest_report_header(config):
    url = TEST_DATABASE_URL or "sqlite:// (in memory)"
    return f"Agora test database: {url.split('@')[-1]}"
