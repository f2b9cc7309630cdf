"""Objects named in an address, loaded once per request: the edition of ``/editions/<slug>/...``."""

from flask import g, has_request_context
from sqlalchemy import select

from app.extensions import db
from app.models import Edition


def edition_or_404(slug: str) -> Edition:
    """Return the edition at ``slug`` or abort with 404.

    Within a request the edition is looked up once: the access check, the view and the
    helpers it calls all share the same object.
    """
    if not has_request_context():
        return db.one_or_404(select(Edition).where(Edition.slug == slug))
    loaded = g.setdefault("agora_editions", {})
    if slug not in loaded:
        loaded[slug] = db.one_or_404(select(Edition).where(Edition.slug == slug))
    return loaded[slug]
