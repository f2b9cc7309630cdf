"""Operations on everything Agora schedules on a wall clock."""

import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Base
from app.models.scheduling import LocalTimesMixin
from app.timezones import LocalTimeError

logger = logging.getLogger(__name__)


def scheduled_models() -> list[type]:
    """Every mapped class whose times are kept on a wall clock."""
    return [
        mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, LocalTimesMixin) and mapper.class_.__local_times__
    ]


@dataclass
class RefreshReport:
    """What ``refresh_all_instants`` did: rows moved per model, and rows it could not place."""

    changed: dict[str, int] = field(default_factory=dict)
    unplaceable: list[str] = field(default_factory=list)


def refresh_all_instants(batch_size: int = 500) -> RefreshReport:
    """Derive every UTC instant again from its local time and zone; flush, do not commit.

    Run after the time-zone data changes (``flask tz-refresh``): a session the organiser
    set at 10:00 in Casablanca stays at 10:00 there, and its instant follows the new rules.
    A wall time that the new rules skip (a new DST gap) cannot be placed: its row keeps
    its instants and is reported, for an organiser to choose another time.
    """
    report = RefreshReport()
    for model in scheduled_models():
        changed = 0
        for row in db.session.scalars(select(model).execution_options(yield_per=batch_size)):
            try:
                moved = row.refresh_instants()
            except LocalTimeError as error:
                report.unplaceable.append(f"{model.__name__} {row.id}: {error}")
                logger.warning("tz-refresh cannot place %s %s: %s", model.__name__, row.id, error)
                continue
            if moved:
                changed += 1
                logger.info("tz-refresh moved %s %s", model.__name__, row.id)
        db.session.flush()
        report.changed[model.__name__] = changed
    return report
