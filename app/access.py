"""The access table: every view declares who may reach it, and this enforces it.

A view is decorated with ``@access(Audience.X, allow=...)``. The audience is kept on
the view function so that the table can be listed (``flask access-table``) and tested
against ``app.url_map``: a route without a declaration fails the tests.
"""

import enum
from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app
from flask_login import current_user

from app.lookups import edition_or_404
from app.permissions import can_organise, is_admin, is_signed_in, is_site_organiser, organises_any


class Audience(enum.Enum):
    ANONYMOUS = "anonymous"
    USER = "user"
    DELEGATE = "delegate"
    REVIEWER = "reviewer"
    ORGANISER = "organiser"
    SITE_ORGANISER = "site_organiser"
    ADMIN = "admin"


# Audiences bound to an object: the view must say how to check the object.
OBJECT_AUDIENCES = {Audience.DELEGATE, Audience.REVIEWER, Audience.ORGANISER}


ACCESS_ATTRIBUTE = "agora_audience"


def access(audience: Audience, *, allow: Callable[..., bool] | None = None):
    """Declare and enforce who may reach a view.

    Anyone reaches an ``ANONYMOUS`` view; every other audience needs a signed-in,
    active account, and an anonymous visitor is sent to the login page. ``allow`` is
    called with the user and the view's arguments for the object-bound audiences
    (delegate, reviewer, organiser of an edition); it may itself abort with 404.
    ``SITE_ORGANISER`` is a site organiser (who may create series and editions).
    Admins pass every check.

    :param audience: who the route is for.
    :param allow: ``allow(user, **view_args) -> bool``, the object-level check.
    :raises TypeError: if an object-bound audience comes without ``allow``.
    """
    if audience in OBJECT_AUDIENCES and allow is None:
        raise TypeError(f"@access({audience}) needs allow= to check the object")

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if audience is not Audience.ANONYMOUS:
                if not is_signed_in(current_user):
                    return current_app.login_manager.unauthorized()
                if not _allowed(audience, allow, kwargs):
                    abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTRIBUTE, audience)
        return guarded

    return decorate


def organises_edition(user, slug: str, **_ignored) -> bool:
    """The ``allow`` check of every organiser page under ``/editions/<slug>/``."""
    return can_organise(user, edition_or_404(slug))


def organises_something(user, **_ignored) -> bool:
    """The ``allow`` check of pages for anyone who organises: site organisers, an edition's."""
    return organises_any(user)


def _allowed(audience: Audience, allow, view_args: dict) -> bool:
    if audience is Audience.USER:
        return True
    if is_admin(current_user):
        return True
    if audience is Audience.ADMIN:
        return False
    if audience is Audience.SITE_ORGANISER:
        return is_site_organiser(current_user)
    return bool(allow(current_user, **view_args))


def audience_of(app: Flask, endpoint: str) -> Audience | None:
    """Return the audience a view declared, or None when it declared none."""
    view = app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTRIBUTE, None)


def access_table(app: Flask) -> list[tuple[str, str, str, str]]:
    """List every route as (path, methods, endpoint, audience)."""
    rows = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        audience = audience_of(app, rule.endpoint)
        methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        rows.append(
            (rule.rule, methods, rule.endpoint, audience.value if audience else "UNDECLARED")
        )
    return rows
