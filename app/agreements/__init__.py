"""The `agreements` blueprint."""

from flask import Blueprint

bp = Blueprint("agreements", __name__)

from app.agreements import routes  # noqa: E402, F401
