"""The `showcases` blueprint and what its templates share; its view modules attach their
routes, the factory registers it."""

from flask import Blueprint
from flask_login import current_user
from markupsafe import Markup, escape

from app.organisations.queries import KIND_LABELS as ORGANISATION_KIND_LABELS
from app.organisations.queries import country_name
from app.showcases import queries
from app.showcases.queries import KIND_LABELS, STATUS_LABELS, CallState, call_state
from app.uploads import MB

bp = Blueprint("showcases", __name__)


def paragraphs(text: str | None) -> Markup:
    """Plain text as HTML paragraphs: blank lines part paragraphs, line breaks stay."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
        if block
    )


def file_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"  # a file of a few bytes still says 1 KB


@bp.app_context_processor
def showcase_helpers():
    return {
        "showcase_status_labels": STATUS_LABELS,
        "showcase_kind_labels": KIND_LABELS,
        "organisation_kind_labels": ORGANISATION_KIND_LABELS,
    }


def status_for(showcase):
    return queries.status_seen_by(current_user, showcase)


def history_for(showcase):
    return queries.history_seen_by(current_user, showcase)


@bp.context_processor
def page_helpers():
    return {
        "status_for": status_for,
        "history_for": history_for,
        "paragraphs": paragraphs,
        "file_size": file_size,
        "country_name": country_name,
        "call_state": call_state,
        "CallState": CallState,
    }
