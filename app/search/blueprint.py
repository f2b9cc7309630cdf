"""The `search` blueprint: its view module attaches its routes, the factory registers it."""

from flask import Blueprint

from app.search.services import register_indexing

bp = Blueprint("search", __name__)
# The index follows every flush from the moment the app exists (once per process).
bp.record_once(lambda _state: register_indexing())
