"""Public pages of series and editions, and an edition's pictures and colours."""

from flask import Response, abort, render_template, request, send_file
from flask_login import current_user

from app.access import Audience, access
from app.agreements.queries import public_agreements
from app.editions import queries
from app.editions.blueprint import bp
from app.lookups import edition_or_404
from app.permissions import can_organise, can_see_edition
from app.thinklabs.queries import all_thinklabs
from app.uploads import path_of, stored_type


@bp.context_processor
def edition_labels():
    return {
        "format_labels": queries.FORMAT_LABELS,
        "edition_status_labels": queries.EDITION_STATUS_LABELS,
    }


@bp.get("/")
@access(Audience.ANONYMOUS)
def home():
    """Upcoming and current editions, then past ones, thinklabs and partners."""
    coming, past = queries.home_editions()
    return render_template(
        "editions/home.html",
        coming=coming,
        past=past,
        thinklabs=all_thinklabs(),
        partners=queries.partners(),
        agreements=public_agreements(),
        partner_labels=queries.PARTNER_LABELS,
    )


@bp.get("/series/<slug>")
@access(Audience.ANONYMOUS)
def series(slug: str):
    found = queries.series_by_slug(slug)
    if found is None:
        abort(404)
    editions = queries.series_editions(found, current_user)
    return render_template("editions/series.html", series=found, editions=editions)


@bp.get("/editions/<slug>")
@access(Audience.ANONYMOUS)
def edition(slug: str):
    found = queries.edition_for_page(slug)
    if found is None:
        abort(404)
    may_organise = can_organise(current_user, found)
    if not (found.is_public or may_organise):
        abort(404)
    return render_template(
        "editions/edition.html",
        edition=found,
        may_organise=may_organise,
        agreements=queries.partner_agreements(found),
        thinklabs=queries.edition_thinklabs(found),
        figures=queries.key_figures(found),
    )


@bp.get("/editions/<slug>/<any(logo, banner):kind>")
@access(Audience.ANONYMOUS)
def picture(slug: str, kind: str):
    """The edition's logo or banner, as Agora re-encoded it."""
    found = edition_or_404(slug)
    if not can_see_edition(current_user, found):
        abort(404)
    key = queries.picture_key(found, kind)
    content_type = stored_type(queries.PICTURES_AREA, key, queries.PICTURE_TYPES)
    if content_type is None:
        abort(404)
    response = send_file(
        path_of(queries.PICTURES_AREA, key), mimetype=content_type, max_age=3600, etag=True
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/editions/<slug>/identity.css")
@access(Audience.ANONYMOUS)
def identity_css(slug: str):
    """The edition's accent colour as a stylesheet (the pages allow no inline style)."""
    found = edition_or_404(slug)
    if not can_see_edition(current_user, found):
        abort(404)
    body = render_template("editions/identity.css", palette=queries.accent_palette(found))
    response = Response(body, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response.make_conditional(request)
