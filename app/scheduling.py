"""Operations on everything Agora schedules on a wall clock."""

import logging

from sqlalchemy import select

from app.extensions import db
from app.models import Base
from app.models.scheduling import LocalTimesMixin

logger = logging.getLogger(__name__)


def scheduled_models() -> list[type]:
    """Every mapped class whose times are kept on a wall clock."""
    return [
        mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, LocalTimesMixin) and mapper.class_.__local_times__
    ]


def refresh_all_instants(batch_size: int = 500) -> dict[str, int]:
    """Derive every UTC instant again from its local time and zone; flush, do not commit.

    Run after the time-zone data changes (``flask tz-refresh``): a session the organiser
    set at 10:00 in Casablanca stays at 10:00 there, and its instant follows the new rules.

    :returns: the number of changed rows per model name.
    """
    counts: dict[str, int] = {}
    for model in scheduled_models():
        changed = 0
        for row in db.session.scalars(select(model).execution_options(yield_per=batch_size)):
            if row.refresh_instants():
                changed += 1
                logger.info("tz-refresh moved %s %s", model.__name__, row.id)
        db.session.flush()
        counts[model.__name__] = changed
    return counts
