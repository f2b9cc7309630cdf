"""Public pages of agreements; a private agreement is shown only to those it concerns."""

from flask import abort, render_template
from flask_login import current_user

from app.access import Audience, access
from app.agreements import bp, services


@bp.get("/agreements/<int:id>")
@access(Audience.ANONYMOUS)
def agreement(id: int):  # noqa: A002  (the public address names it ``id``)
    found = services.agreement_for_page(id)
    # A private agreement answers 404 to others, so its existence does not leak.
    if found is None or not services.can_see_agreement(current_user, found):
        abort(404)
    return render_template(
        "agreements/agreement.html",
        agreement=found,
        commitments=services.commitment_states(found),
        kind_labels=services.KIND_LABELS,
        status_labels=services.STATUS_LABELS,
        number=services.format_number,
    )
