"""The `thinklabs` blueprint."""

from flask import Blueprint

bp = Blueprint("thinklabs", __name__)
