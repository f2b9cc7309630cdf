"""Reads of members' contributions: the page's latest posts, the polling feed, stored files."""

from datetime import date
from pathlib import Path

import nh3
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Contribution, ContributionFile, Thinklab
from app.timezones import utc_to_local
from app.uploads import upload_root

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def clean_html(text: str) -> str:
    """Keep only simple formatting; scripts, styles and ``on*`` attributes disappear.

    Links may only point to http(s) or mail addresses and get ``rel="noopener"``.
    """
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
        clean_content_tags={"script", "style"},
    )


def safe_body(contribution: Contribution) -> Markup:
    """The body ready to show, cleaned again (a row may come from an import)."""
    return Markup(clean_html(contribution.body_html))


def upload_folder() -> Path:
    return upload_root("thinklabs")


def contributions(thinklab: Thinklab, limit: int = 20) -> list[tuple[Contribution, Markup, date]]:
    """Return the latest contributions, each with its body cleaned again and its local day.

    ``body_html`` is sanitised when it is saved; cleaning it once more on the way out
    keeps a row written by other means (an import, the demo loader) from injecting markup.
    """
    query = (
        select(Contribution)
        .where(Contribution.thinklab_id == thinklab.id)
        .options(joinedload(Contribution.author), selectinload(Contribution.files))
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
        .limit(limit)
    )
    return [
        (
            item,
            Markup(nh3.clean(item.body_html)),
            utc_to_local(item.created_at, thinklab.timezone).date(),
        )
        for item in reversed(list(db.session.scalars(query)))
    ]


def contribution_count(thinklab: Thinklab) -> int:
    """How many contributions the members of ``thinklab`` have shared."""
    return db.session.scalar(
        select(func.count(Contribution.id)).where(Contribution.thinklab_id == thinklab.id)
    )


def contributions_after(thinklab: Thinklab, after_id: int, limit: int = 50) -> list[Contribution]:
    """The contributions newer than ``after_id``, oldest first."""
    query = (
        select(Contribution)
        .where(Contribution.thinklab_id == thinklab.id, Contribution.id > after_id)
        .options(selectinload(Contribution.author), selectinload(Contribution.files))
        .order_by(Contribution.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def file_of(thinklab: Thinklab, key: str) -> tuple[ContributionFile, Path] | None:
    """The stored file behind ``key`` if it belongs to ``thinklab``."""
    found = db.session.scalar(
        select(ContributionFile)
        .join(Contribution)
        .where(ContributionFile.storage_key == key, Contribution.thinklab_id == thinklab.id)
    )
    if found is None:
        return None
    path = upload_folder() / found.storage_key
    return (found, path) if path.is_file() else None
