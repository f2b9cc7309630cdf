"""Wall-clock scheduling shared by sessions, meetings and availabilities.

The local date-time and the IANA zone are the truth; the UTC instants are derived
from them for sorting and overlap checks, and ``flask tz-refresh`` derives them
again when the time-zone rules change.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import UTCDateTime
from app.timezones import local_to_utc


class LocalTimesMixin:
    """Fields and behaviour of anything whose times are given on a wall clock.

    Subclasses list their ``(local attribute, UTC attribute)`` pairs in
    ``__local_times__`` and keep the zone name in ``timezone``.
    """

    __local_times__: tuple[tuple[str, str], ...] = ()
    timezone: Mapped[str]

    def refresh_instants(self) -> bool:
        """Derive every UTC instant from its wall-clock time; return whether one changed.

        Nothing is changed when one of the times cannot be placed in the zone.

        :raises app.timezones.LocalTimeError: if a time does not exist in the zone.
        """
        instants = {
            utc_attr: local_to_utc(local, self.timezone) if local is not None else None
            for local_attr, utc_attr in self.__local_times__
            for local in [getattr(self, local_attr)]
        }
        changed = False
        for utc_attr, instant in instants.items():
            if getattr(self, utc_attr) != instant:
                setattr(self, utc_attr, instant)
                changed = True
        return changed


class TimeRangeMixin(LocalTimesMixin):
    """A start and an end on the wall clock of ``timezone``, with their UTC instants."""

    __local_times__ = (("starts_local", "starts_at"), ("ends_local", "ends_at"))

    timezone: Mapped[str] = mapped_column(sa.String(64))
    starts_local: Mapped[datetime] = mapped_column(sa.DateTime)
    ends_local: Mapped[datetime] = mapped_column(sa.DateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def set_times(self, starts_local: datetime, ends_local: datetime, timezone: str) -> None:
        """Set the wall-clock range and derive its instants.

        :raises app.timezones.LocalTimeError: if a time cannot be placed in the zone.
        :raises ValueError: if the end is not after the start.
        """
        self.timezone = timezone
        self.starts_local = starts_local
        self.ends_local = ends_local
        self.refresh_instants()
        if self.ends_at <= self.starts_at:
            raise ValueError("The end must be after the start.")


def time_range_check() -> sa.CheckConstraint:
    """The database's own guard that a range ends after it starts."""
    return sa.CheckConstraint("ends_at > starts_at", name="ends_after_start")
