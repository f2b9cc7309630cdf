"""The `auth` blueprint: its view modules attach their routes, the factory registers it."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
