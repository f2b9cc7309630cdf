"""Demo data: the five real cases of DESIGN.md, loaded idempotently by ``flask demo``.

Every object is looked up by a natural key (slug, email, organisation name, or its
parent and title) and created only when missing, so a second run changes nothing.
History rows (transitions, progress, reviews) are written with the object that owns
them. The people are fictitious; the places, institutions and numbers follow the cases.
One module per case: ``bizerte``, ``caravan``, ``casablanca``, ``issy_leshan``,
``emadina``; ``accounts`` and ``loader`` are shared by all.
"""

import logging

from app.demo import (
    bizerte,
    caravan,
    casablanca,
    emadina,
    identity,
    issy_leshan,
    texts,
    upcoming,
)
from app.demo.accounts import ACCOUNTS, DEMO_EMAILS, DEMO_PASSWORD
from app.demo.bizerte import BIZERTE_SLUG, PLANTED_CONFLICT_TITLE, THINKLAB_SLUG
from app.demo.caravan import CARAVAN_SLUG, CARAVAN_STOPS
from app.demo.casablanca import CASABLANCA_SLUG
from app.demo.loader import Loader
from app.extensions import db

__all__ = [
    "ACCOUNTS",
    "BIZERTE_SLUG",
    "CARAVAN_SLUG",
    "CARAVAN_STOPS",
    "CASABLANCA_SLUG",
    "DEMO_EMAILS",
    "DEMO_PASSWORD",
    "EDITION_SLUGS",
    "PLANTED_CONFLICT_TITLE",
    "THINKLAB_SLUG",
    "load_demo",
]

logger = logging.getLogger(__name__)

EDITION_SLUGS = (BIZERTE_SLUG, CARAVAN_SLUG, CASABLANCA_SLUG)


def load_demo() -> dict[str, int]:
    """Load the five real cases of DESIGN.md, creating only what is missing; flush only.

    :returns: how many rows of each model were created (empty on a second run).
    """
    loader = Loader()
    loader.organisations()
    loader.accounts()
    edition = bizerte.load(loader)
    bizerte.load_thinklab(loader, edition)
    caravan.load(loader)
    casablanca.load(loader)
    casablanca.draft_decision_mails(loader)
    issy_leshan.load(loader)
    emadina.load(loader)
    upcoming.load(loader)
    identity.load(loader)
    texts.load(loader)
    db.session.flush()
    logger.info("demo data loaded: %s", dict(loader.created))
    return dict(loader.created)
