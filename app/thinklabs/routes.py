"""Public pages of thinklabs."""

from flask import abort, render_template
from flask_login import current_user

from app.access import Audience, access
from app.permissions import can_see_edition
from app.program.services import CATEGORY_LABELS
from app.thinklabs import bp, services


@bp.get("/thinklabs/<slug>")
@access(Audience.ANONYMOUS)
def thinklab(slug: str):
    found = services.thinklab_for_page(slug)
    if found is None or (found.edition and not can_see_edition(current_user, found.edition)):
        abort(404)
    return render_template(
        "thinklabs/thinklab.html",
        thinklab=found,
        members=services.members_by_category(found),
        composition=services.composition_status(found),
        meetings=services.upcoming_meetings(found),
        roadmap=services.roadmap_by_horizon(found),
        contributions=services.contributions(found),
        category_labels=CATEGORY_LABELS,
        mode_labels=services.MODE_LABELS,
        roadmap_status_labels=services.ROADMAP_STATUS_LABELS,
    )
