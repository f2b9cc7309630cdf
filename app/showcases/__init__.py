"""The `showcases` blueprint."""

from flask import Blueprint

bp = Blueprint("showcases", __name__)
