"""Sessions, speakers and the public programme of an edition."""

from flask import Blueprint

bp = Blueprint("program", __name__)

from app.program import manage, routes  # noqa: E402, F401
