"""Series and their editions, with tracks (axes), venues (stops) and rooms."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, TimestampMixin, UTCDateTime, enum_type
from app.models.scheduling import LocalTimesMixin


class EditionFormat(enum.Enum):
    CONFERENCE = "conference"
    AGORA = "agora"
    CARAVAN = "caravan"
    THINKLAB = "thinklab"


class EditionStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


# The languages an edition's texts may be written in: those of the interface. A code, as
# ``User.locale`` is, not a state: a CHECK constraint keeps the column to these.
TEXT_LANGUAGES = ("en", "fr", "ar")
DEFAULT_TEXT_LANGUAGE = "fr"
_KNOWN_LANGUAGE = "IN ('en', 'fr', 'ar')"


class Series(CreatedMixin, Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )

    organisation: Mapped["Organisation | None"] = relationship()  # noqa: F821
    editions: Mapped[list["Edition"]] = relationship(
        back_populates="series", order_by="Edition.number"
    )

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"


class Edition(LocalTimesMixin, TimestampMixin, Base):
    """One edition of a series; its call window is kept on the edition's wall clock."""

    __tablename__ = "editions"
    __local_times__ = (
        ("call_opens_local", "call_opens_at"),
        ("call_closes_local", "call_closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="RESTRICT"))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    number: Mapped[int]
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The language the title, theme and description above are written in; the same
    # texts in other languages are ``texts`` (EditionText).
    original_lang: Mapped[str] = mapped_column(
        sa.String(8), default=DEFAULT_TEXT_LANGUAGE, server_default=DEFAULT_TEXT_LANGUAGE
    )
    format: Mapped[EditionFormat] = mapped_column(enum_type(EditionFormat, "format"))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date]
    end_date: Mapped[date]
    status: Mapped[EditionStatus] = mapped_column(
        enum_type(EditionStatus, "status"), default=EditionStatus.DRAFT
    )
    patronage: Mapped[str] = mapped_column(sa.String(300), default="")
    organised_by: Mapped[str] = mapped_column(sa.String(300), default="")
    call_opens_local: Mapped[datetime | None] = mapped_column(sa.DateTime)
    call_closes_local: Mapped[datetime | None] = mapped_column(sa.DateTime)
    call_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    programme_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Identity: storage keys of Agora's own copies of the logo and banner (app/uploads.py),
    # the accent colour (#rrggbb), and the sites allowed to frame the programme
    # (origins separated by spaces, checked by app/framing.py).
    logo_key: Mapped[str | None] = mapped_column(sa.String(40))
    banner_key: Mapped[str | None] = mapped_column(sa.String(40))
    accent_colour: Mapped[str | None] = mapped_column(sa.String(7))
    frame_origins: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Moved by one in the flush of every change its public answers show (its sessions,
    # tracks, rooms, venues, speakers, itself: app/caching.py), so that a feed's version
    # is read with the edition, with no query over its sessions.
    data_version: Mapped[int] = mapped_column(default=0, server_default="0")
    data_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    series: Mapped[Series] = relationship(back_populates="editions")
    tracks: Mapped[list["Track"]] = relationship(
        back_populates="edition", order_by="Track.position", cascade="all, delete-orphan"
    )
    venues: Mapped[list["Venue"]] = relationship(
        back_populates="edition", order_by="Venue.position", cascade="all, delete-orphan"
    )
    roles: Mapped[list["EditionRole"]] = relationship(  # noqa: F821
        back_populates="edition", cascade="all, delete-orphan"
    )
    review_criteria: Mapped[list["ReviewCriterion"]] = relationship(  # noqa: F821
        back_populates="edition",
        order_by="ReviewCriterion.position",
        cascade="all, delete-orphan",
    )
    texts: Mapped[list["EditionText"]] = relationship(
        back_populates="edition",
        order_by="EditionText.lang",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        sa.UniqueConstraint("series_id", "number"),
        sa.CheckConstraint("end_date >= start_date", name="ends_after_start"),
        sa.CheckConstraint(
            "call_closes_at IS NULL OR call_opens_at IS NULL OR call_closes_at > call_opens_at",
            name="call_closes_after_opening",
        ),
        sa.CheckConstraint("number > 0", name="number_positive"),
        sa.CheckConstraint(
            "accent_colour IS NULL OR length(accent_colour) = 7", name="accent_colour_hex"
        ),
        sa.CheckConstraint(f"original_lang {_KNOWN_LANGUAGE}", name="original_lang_known"),
    )

    @property
    def is_public(self) -> bool:
        return self.status in (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)

    @property
    def framing_sites(self) -> list[str]:
        """The sites allowed to frame this edition's programme."""
        return (self.frame_origins or "").split()

    def __repr__(self) -> str:
        return f"<Edition {self.slug}>"


class EditionText(TimestampMixin, Base):
    """An edition's title, theme and description in a language other than its original.

    An empty theme or description means "not given in this language": the original
    shows instead.
    """

    __tablename__ = "edition_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")

    edition: Mapped[Edition] = relationship(back_populates="texts")

    __table_args__ = (
        sa.UniqueConstraint("edition_id", "lang"),
        sa.CheckConstraint(f"lang {_KNOWN_LANGUAGE}", name="lang_known"),
    )

    def __repr__(self) -> str:
        return f"<EditionText {self.edition_id} {self.lang}>"


class Track(Base):
    """An axis of an edition."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    colour: Mapped[str] = mapped_column(sa.String(7), default="#3559a8")
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="tracks")

    __table_args__ = (
        sa.UniqueConstraint("edition_id", "name"),
        sa.CheckConstraint("length(colour) = 7", name="colour_hex"),
    )


class Venue(Base):
    """A place of an edition; for a caravan, one stop per town and dates."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    town: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="venues")
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="venue", order_by="Room.name", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("edition_id", "name", "start_date"),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="ends_after_start",
        ),
    )

    @property
    def zone(self) -> str:
        """The venue's own zone, or its edition's."""
        return self.timezone or self.edition.timezone


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    capacity: Mapped[int | None]

    venue: Mapped[Venue] = relationship(back_populates="rooms")

    __table_args__ = (
        sa.UniqueConstraint("venue_id", "name"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )
