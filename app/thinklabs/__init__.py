"""The `thinklabs` blueprint."""

from flask import Blueprint

bp = Blueprint("thinklabs", __name__)

from app.thinklabs import routes  # noqa: E402, F401
