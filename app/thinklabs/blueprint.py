"""The `thinklabs` blueprint: its view modules attach their routes, the factory registers it."""

from flask import Blueprint

bp = Blueprint("thinklabs", __name__)
