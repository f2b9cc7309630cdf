"""Organisations: the institutions, companies, startups and cities Agora deals with."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, UTCDateTime, enum_type


class OrganisationKind(enum.Enum):
    PUBLIC_INSTITUTION = "public_institution"
    MINISTRY = "ministry"
    CITY = "city"
    COMPANY = "company"
    STARTUP = "startup"
    INNOVATOR = "innovator"
    RESEARCH_LAB = "research_lab"
    UNIVERSITY = "university"
    ASSOCIATION = "association"
    CLUSTER = "cluster"


class Organisation(CreatedMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "kind"))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    logo_path: Mapped[str | None] = mapped_column(sa.String(300))

    delegates: Mapped[list["User"]] = relationship(back_populates="organisation")  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("country IS NULL OR length(country) = 2", name="country_iso2"),
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class OrganisationInvitation(CreatedMixin, Base):
    """A delegate's invitation of a colleague, by email, with a single-use token.

    Only the SHA-256 digest of the token is kept: the token itself lives in the mail.
    """

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])  # noqa: F821

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked (it may still have expired)."""
        return self.accepted_at is None and self.revoked_at is None
