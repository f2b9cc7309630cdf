"""The `showcases` blueprint: the call, submission by organisations, review, decision and
the public catalogue; organisations' profiles and their delegates."""

from flask import Blueprint

bp = Blueprint("showcases", __name__)

from app.showcases import manage, routes  # noqa: E402, F401
