"""Members' contributions: sanitised text, links and files, the polling feed, the digest."""

import html
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import nh3
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import (
    Contribution,
    ContributionFile,
    Thinklab,
    ThinklabMember,
    User,
)
from app.thinklabs.management import membership
from app.timezones import day_start_utc, utc_to_local
from app.uploads import sniff, upload_root

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
MAX_BODY = 20_000
MAX_FILES = 5


class ContributionRefused(InvalidInput):
    """A contribution that is empty, too long, or carries a link or file we do not take."""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


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


def _file_type(data: bytes) -> tuple[str, str] | None:
    found = sniff(data)
    return (found[0], f".{found[1]}") if found else None


def upload_folder() -> Path:
    return upload_root("thinklabs")


def post_contribution(
    thinklab: Thinklab,
    author: User,
    *,
    body: str,
    link_url: str | None = None,
    uploads: list[Upload] | None = None,
) -> Contribution:
    """Share a post with the thinklab's members.

    :param body: text with simple HTML; anything else is stripped.
    :param link_url: an optional http(s) address.
    :param uploads: PDF, PNG or JPEG files, recognised by their first bytes.
    :raises NotAllowed: if ``author`` is not a member of ``thinklab``.
    :raises ContributionRefused: if the post is empty, too long, or a link or file is refused.
    """
    if membership(author, thinklab) is None:
        raise NotAllowed(_("Only the thinklab's members may contribute."))
    uploads = [u for u in (uploads or []) if u.data or u.filename]
    if len(body or "") > MAX_BODY:
        raise ContributionRefused(
            _("The text is too long (%(max)s characters at most).", max=MAX_BODY), field="body"
        )
    cleaned = clean_html((body or "").strip()).strip()
    if "<" not in cleaned and cleaned:
        # Plain text: keep its paragraphs.
        cleaned = "".join(f"<p>{part}</p>" for part in cleaned.split("\n\n") if part.strip())
    link_url = (link_url or "").strip() or None
    if link_url and not link_url.lower().startswith(("https://", "http://")):
        raise ContributionRefused(
            _("A link must start with https:// or http://."), field="link_url"
        )
    if link_url and len(link_url) > 500:
        raise ContributionRefused(_("This link is too long."), field="link_url")
    if len(uploads) > MAX_FILES:
        raise ContributionRefused(_("Attach %(max)s files at most.", max=MAX_FILES), field="files")
    typed = []
    for upload in uploads:
        kind = _file_type(upload.data)
        if kind is None:
            raise ContributionRefused(
                _("%(name)s is not a PDF, PNG or JPEG file.", name=upload.filename or "?"),
                field="files",
            )
        typed.append((upload, *kind))
    if not nh3.clean(cleaned, tags=set()).strip() and not link_url and not typed:
        raise ContributionRefused(_("Write something, add a link or attach a file."), field="body")

    contribution = Contribution(
        thinklab_id=thinklab.id, author_id=author.id, body_html=cleaned, link_url=link_url
    )
    db.session.add(contribution)
    written: list[Path] = []
    try:
        folder = upload_folder() if typed else None
        for upload, content_type, extension in typed:
            key = secrets.token_urlsafe(24) + extension
            path = folder / key
            path.write_bytes(upload.data)
            written.append(path)
            name = Path(upload.filename or "file").name[:200] or "file"
            contribution.files.append(
                ContributionFile(
                    filename=name, content_type=content_type, size=len(upload.data), storage_key=key
                )
            )
        db.session.flush()
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return contribution


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


def set_digest(member: ThinklabMember, wants: bool) -> None:
    member.wants_digest = wants
    db.session.flush()


DIGEST_SUBJECT = _l("Yesterday in your thinklabs")


def queue_digests(day: date) -> int:
    """Queue one digest per person who asked, with ``day``'s contributions of their thinklabs.

    ``day`` is read on each thinklab's own clock. A person's own posts are left out and
    nobody gets an empty digest. The outbox's ``dedupe_key`` (person and day) makes a
    second run for the same day queue nothing.

    :returns: how many digests were queued by this run.
    """
    from app.models import OutboxMessage
    from app.notifications.outbox import queue_templated_email

    members = db.session.scalars(
        select(ThinklabMember)
        .where(ThinklabMember.wants_digest.is_(True), ThinklabMember.user_id.is_not(None))
        .options(selectinload(ThinklabMember.thinklab), selectinload(ThinklabMember.user))
        .order_by(ThinklabMember.user_id, ThinklabMember.thinklab_id)
    )
    by_user: dict[int, tuple[User, list[Thinklab]]] = {}
    for member in members:
        if member.user is None or not member.user.is_active:
            continue
        by_user.setdefault(member.user_id, (member.user, []))[1].append(member.thinklab)
    queued = 0
    for user, thinklabs in by_user.values():
        sections = []
        for thinklab in thinklabs:
            start = day_start_utc(day, thinklab.timezone)
            end = day_start_utc(day + timedelta(days=1), thinklab.timezone)
            posts = list(
                db.session.scalars(
                    select(Contribution)
                    .where(
                        Contribution.thinklab_id == thinklab.id,
                        Contribution.created_at >= start,
                        Contribution.created_at < end,
                        Contribution.author_id.is_distinct_from(user.id),
                    )
                    .options(selectinload(Contribution.author), selectinload(Contribution.files))
                    .order_by(Contribution.created_at, Contribution.id)
                )
            )
            if posts:
                link = f"{current_app.config['AGORA_BASE_URL']}/thinklabs/{thinklab.slug}"
                sections.append(
                    (
                        thinklab,
                        link,
                        [
                            (
                                p,
                                safe_body(p),
                                html.unescape(nh3.clean(p.body_html, tags=set())).strip(),
                                utc_to_local(p.created_at, thinklab.timezone),
                            )
                            for p in posts
                        ],
                    )
                )
        if not sections:
            continue
        key = f"thinklabs.digest:{user.id}:{day.isoformat()}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
            continue
        queue_templated_email(
            template="thinklabs/digest",
            user=user,
            subject=DIGEST_SUBJECT,
            kind="thinklabs.digest",
            context={"sections": sections, "day": day},
            dedupe_key=key,
        )
        queued += 1
    return queued
