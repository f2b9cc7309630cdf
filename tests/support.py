"""Helpers shared by the tests of several areas: signing in on a test client, counting SQL."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.auth.services import start_session
from app.extensions import db
from app.models import User


def session_secret(app: Flask, user_id: int) -> str:
    """Open a session for user ``user_id`` (committed) and return what Flask-Login keeps."""
    if has_app_context() and current_app._get_current_object() is app:
        # A second context would have its own database session, whose commit the first
        # one's teardown could roll back.
        return _open_session(user_id)
    with app.app_context():
        return _open_session(user_id)


def _open_session(user_id: int) -> str:
    secret = start_session(db.session.get(User, user_id), remember=False, user_agent="tests")
    db.session.commit()
    return secret


def sign_in(client: FlaskClient, user_id: int, **values) -> FlaskClient:
    """Sign the user in on ``client`` without going through the login form; return it.

    :param values: more keys to put in the Flask session (``lang``, ...).
    """
    secret = session_secret(client.application, user_id)
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = secret
        flask_session["_fresh"] = True
        flask_session.update(values)
    return client


class StatementCounter:
    """Counts the SQL statements sent while a block runs (the ``counting_statements`` fixture).

    The listener is on the ``Engine`` class, so it hears every engine and every connection
    the tests swap in for one, on SQLite and on PostgreSQL alike.
    """

    @contextmanager
    def __call__(self) -> Iterator[list[str]]:
        """Collect the statements sent inside the ``with`` block in the list it yields."""
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(Engine, "before_cursor_execute", count)
        try:
            yield statements
        finally:
            event.remove(Engine, "before_cursor_execute", count)

    def for_page(self, client: FlaskClient, path: str) -> int:
        """The number of statements a GET of ``path`` sends; the page must answer 200."""
        with self() as statements:
            response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.get_data(as_text=True)[:1000]}"
        return len(statements)
