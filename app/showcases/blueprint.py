"""The `showcases` blueprint, filled by its view modules and registered by the factory."""

from flask import Blueprint

bp = Blueprint("showcases", __name__)

# The view modules attach their routes to ``bp`` when imported.
from app.showcases import manage, routes  # noqa: E402, F401
