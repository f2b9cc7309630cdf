"""The `notifications` blueprint: the organiser outbox, mail templates, people's choices."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from app.notifications import routes  # noqa: E402, F401
