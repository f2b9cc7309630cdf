"""The `agreements` blueprint: its view modules attach their routes, the factory registers it."""

from flask import Blueprint

bp = Blueprint("agreements", __name__)
