"""The health check reports the database's state."""

from sqlalchemy.exc import OperationalError

from app.extensions import db


def test_healthz_says_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"]["status"] == "ok"


def test_healthz_says_unavailable_when_the_database_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"]["status"] == "unavailable"
