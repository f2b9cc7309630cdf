"""The `editions` blueprint: its view modules attach their routes, the factory registers it."""

from flask import Blueprint, g
from flask_login import current_user

from app.permissions import organises_any

bp = Blueprint("editions", __name__)


@bp.app_context_processor
def manage_link():
    """Offer every template ``organises_something()``: show the "Manage" link or not.

    Anonymous visitors cost nothing, site organisers and admins nothing either; anyone
    else costs one query, once per request, and only when a template asks.
    """

    def organises_something() -> bool:
        if "agora_organises_something" not in g:
            g.agora_organises_something = organises_any(current_user)
        return g.agora_organises_something

    return {"organises_something": organises_something}
