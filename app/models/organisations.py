"""Organisations: the institutions, companies, startups and cities Agora deals with."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, enum_type


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
