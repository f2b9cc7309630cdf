"""Public pages of series and editions."""

from flask import abort, render_template
from flask_login import current_user

from app.access import Audience, access
from app.agreements.queries import public_agreements
from app.editions import queries
from app.editions.blueprint import bp
from app.permissions import can_organise
from app.thinklabs.queries import all_thinklabs


@bp.context_processor
def edition_labels():
    return {
        "format_labels": queries.FORMAT_LABELS,
        "edition_status_labels": queries.EDITION_STATUS_LABELS,
    }


@bp.get("/")
@access(Audience.ANONYMOUS)
def home():
    return render_template(
        "editions/home.html",
        editions=queries.public_editions(),
        thinklabs=all_thinklabs(),
        agreements=public_agreements(),
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
    )
