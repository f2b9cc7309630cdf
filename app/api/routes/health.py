"""Health check: tells a load balancer whether Agora and its database answer."""

from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.access import Audience, access
from app.api.blueprint import bp
from app.extensions import db


@bp.get("/healthz")
@access(Audience.ANONYMOUS)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = {"status": "ok", "dialect": db.engine.dialect.name}
        status = 200
    except SQLAlchemyError as error:
        db.session.rollback()
        database = {"status": "unavailable", "error": type(error).__name__}
        status = 503
    body = {"status": "ok" if status == 200 else "degraded", "database": database}
    return jsonify(body), status
