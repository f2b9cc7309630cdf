"""Series, editions and their public pages, starting with the home page."""

from flask import Blueprint

bp = Blueprint("editions", __name__)

from app.editions import manage, routes  # noqa: E402, F401
