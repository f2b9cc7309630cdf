"""Edition queries and operations."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Edition, EditionStatus


def public_editions() -> list[Edition]:
    """Return published and archived editions, newest first, with their series and venues."""
    query = (
        select(Edition)
        .where(Edition.status.in_([EditionStatus.PUBLISHED, EditionStatus.ARCHIVED]))
        .options(selectinload(Edition.series), selectinload(Edition.venues))
        .order_by(Edition.start_date.desc(), Edition.id)
    )
    return list(db.session.scalars(query))
