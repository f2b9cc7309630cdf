"""The `showcases` blueprint: its view modules attach their routes, the factory registers it."""

from flask import Blueprint

bp = Blueprint("showcases", __name__)
