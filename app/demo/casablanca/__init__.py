"""Casablanca Smart City 2023: an Agora of showcases, reviewed, decided and scheduled."""

from app.demo.casablanca.edition import (
    CASABLANCA_SLUG,
    load_edition,
    registration,
    roles,
    sponsorship,
    tracks_and_criteria,
)
from app.demo.casablanca.programme import load_programme
from app.demo.casablanca.showcases import draft_decision_mails, load_showcases
from app.demo.loader import Loader

__all__ = ["CASABLANCA_SLUG", "draft_decision_mails", "load"]


def load(loader: Loader) -> None:
    """Load the edition, its call (showcases, reviews), its programme and its sponsorship."""
    edition = load_edition(loader)
    tracks, criteria = tracks_and_criteria(loader, edition)
    roles(loader, edition)
    showcases = load_showcases(loader, edition, tracks, criteria)
    chosen = load_programme(loader, edition, tracks, showcases)
    registration(loader, edition, chosen)
    sponsorship(loader, edition)
