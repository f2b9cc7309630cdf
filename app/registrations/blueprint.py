"""The registrations blueprint and the calendar-link helpers every page may use."""

from flask import Blueprint, current_app, url_for

bp = Blueprint("registrations", __name__)


def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) address, which calendar apps subscribe to."""
    return "webcal://" + url.split("://", 1)[-1]


@bp.app_context_processor
def calendar_links():
    """``calendar_urls(endpoint, **values)``: the download and subscription addresses of a feed."""

    def calendar_urls(endpoint: str, **values) -> dict[str, str]:
        base = current_app.config["AGORA_BASE_URL"].rstrip("/")
        download = base + url_for(endpoint, **values)
        return {"download": download, "webcal": webcal(download)}

    return {"calendar_urls": calendar_urls}
