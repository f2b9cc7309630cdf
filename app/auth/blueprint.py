"""The `auth` blueprint, filled by its view modules and registered by the factory."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

# The view modules attach their routes to ``bp`` when imported.
from app.auth import routes  # noqa: E402, F401
