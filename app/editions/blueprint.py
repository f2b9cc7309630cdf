"""The `editions` blueprint: its view modules attach their routes, the factory registers it."""

from flask import Blueprint, g
from flask_login import current_user
from markupsafe import Markup, escape

from app.editions.queries.texts import ShownTexts, shown_texts
from app.formatting import language
from app.models import Edition
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


@bp.app_template_global()
def edition_texts(edition: Edition) -> ShownTexts:
    """The edition's title, theme and description in the reader's language when it gives
    them in it, else in their original language; each says which (``lang``, ``dir``).

    Reads ``edition.texts``: pages listing editions load them with the editions.
    """
    return shown_texts(edition, language())


@bp.app_template_global()
def edition_title(edition: Edition) -> Markup:
    """The edition's title as :func:`edition_texts` chooses it, marked with its language
    and direction, for a breadcrumb, a heading or a sentence of any page."""
    title = edition_texts(edition).title
    return Markup('<span lang="{}" dir="{}">{}</span>').format(
        title.lang, title.dir, escape(title.text)
    )
