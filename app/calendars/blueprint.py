"""The `calendars` blueprint, filled by its view modules and registered by the factory."""

from flask import Blueprint

bp = Blueprint("calendars", __name__)

# The view modules attach their routes to ``bp`` when imported.
from app.calendars import routes  # noqa: E402, F401
