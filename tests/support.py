"""Helpers shared by the tests of several areas: signing in on a test client, counting SQL."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine


def sign_in(client: FlaskClient, user_id: int) -> FlaskClient:
    """Sign the user in on ``client`` without going through the login form; return it."""
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user_id)
        flask_session["_fresh"] = True
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
