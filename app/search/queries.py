"""Reads of the search: the normalised text both databases index, the query, the results
each reader may see, and the matching words highlighted."""

import math
import re
import unicodedata
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import and_, exists, false, func, literal_column, or_, select, text, true
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Agreement,
    AgreementParty,
    ConferenceSession,
    Edition,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    ReviewAssignment,
    SearchEntry,
    SearchKind,
    SessionSpeaker,
)
from app.models.search import FTS_TABLE, PG_DOCUMENT
from app.permissions import is_admin, is_signed_in, is_site_organiser

PUBLIC_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)
PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
SNIPPET_LENGTH = 240

# Tatweel only stretches a word; alef wasla is written as a plain alef.
_REMOVED = {"\u0640": None}
_LETTERS = str.maketrans({"\u0671": "\u0627", **_REMOVED})
# A word of the text as written: letters and digits with their combining marks.
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640])+"
)
_TOKEN = re.compile(r"[^\W_]+")


def normalise(value: str) -> str:
    """Return ``value`` as the index and the query compare it: case folded, without accents
    (é = e), Arabic diacritics or tatweel, and with the alef variants (أ إ آ ٱ) as ا."""
    decomposed = unicodedata.normalize("NFKD", value or "").translate(_LETTERS)
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFKC", bare).casefold()


@dataclass(frozen=True)
class SearchQuery:
    """What the reader asked: the words to find (the last one as a prefix) and a notice."""

    text: str
    words: tuple[str, ...]
    notices: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.words


def parse_query(raw: str | None) -> SearchQuery:
    """Turn what the reader typed into words; any syntax of the databases is dropped.

    Quotes, stars, NEAR, minus signs and colons are not operators here: only letters and
    digits count, so nothing typed can break the full-text query.
    """
    raw = (raw or "").replace("\x00", "")
    notices = []
    if len(raw) > MAX_QUERY_LENGTH:
        notices.append("too_long")
        raw = raw[:MAX_QUERY_LENGTH]
    words = [word[:MAX_WORD_LENGTH] for word in _TOKEN.findall(normalise(raw))]
    if len(words) > MAX_WORDS:
        notices.append("too_many")
        words = words[:MAX_WORDS]
    return SearchQuery(text=raw.strip(), words=tuple(words), notices=tuple(notices))


# Who may see what --------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What deciding visibility needs of the reader, read once per search."""

    user_id: int | None = None
    organisation_id: int | None = None
    is_admin: bool = False
    organises_all: bool = False
    organised: frozenset[int] = frozenset()


def viewer_of(user) -> Viewer:
    """Return the reader's rights: one query for the editions they organise (if signed in)."""
    if not is_signed_in(user):
        return Viewer()
    if is_site_organiser(user):
        return Viewer(user.id, user.organisation_id, is_admin(user), True)
    organised = db.session.scalars(
        select(EditionRole.edition_id).where(
            EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
        )
    )
    return Viewer(user.id, user.organisation_id, False, False, frozenset(organised))


def _visible(viewer: Viewer, edition):
    """The rule of each kind's own page, as one SQL condition on an entry and its edition.

    Sessions and thinklabs: their edition is public (or the reader organises it).
    Speakers: they speak in a public edition (their page shows nothing else).
    Showcases: accepted, announced and in a public edition (the catalogue), else for the
    organisation's delegates, the edition's organisers and its assigned reviewers.
    Organisations: always. Agreements: public ones, else their owner, the delegates of a
    party, the organisers of their edition and site organisers.
    """
    entry = SearchEntry
    public_edition = edition.status.in_(PUBLIC_STATUSES)
    if viewer.organises_all:
        organised = true()
    elif viewer.organised:
        organised = entry.edition_id.in_(sorted(viewer.organised))
    else:
        organised = false()
    edition_seen = or_(entry.edition_id.is_(None), public_edition, organised)
    speaks_in_public = exists(
        select(SessionSpeaker.id)
        .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
        .join(Edition, Edition.id == ConferenceSession.edition_id)
        .where(SessionSpeaker.speaker_id == entry.object_id, Edition.status.in_(PUBLIC_STATUSES))
    )
    showcase_seen = or_(and_(entry.is_public, public_edition), organised)
    agreement_seen = or_(entry.is_public, organised)
    if viewer.user_id is not None:
        reviews = exists(
            select(ReviewAssignment.id).where(
                ReviewAssignment.showcase_id == entry.object_id,
                ReviewAssignment.reviewer_id == viewer.user_id,
            )
        )
        owns = exists(
            select(Agreement.id).where(
                Agreement.id == entry.object_id, Agreement.owner_id == viewer.user_id
            )
        )
        showcase_seen = or_(showcase_seen, reviews)
        agreement_seen = or_(agreement_seen, owns)
        if viewer.is_admin:
            showcase_seen = true()
    if viewer.organisation_id is not None:
        showcase_seen = or_(showcase_seen, entry.organisation_id == viewer.organisation_id)
        party = exists(
            select(AgreementParty.id).where(
                AgreementParty.agreement_id == entry.object_id,
                AgreementParty.organisation_id == viewer.organisation_id,
            )
        )
        agreement_seen = or_(agreement_seen, party)
    return or_(
        and_(entry.kind == SearchKind.SESSION, edition_seen),
        and_(entry.kind == SearchKind.SPEAKER, speaks_in_public),
        and_(entry.kind == SearchKind.SHOWCASE, showcase_seen),
        entry.kind == SearchKind.ORGANISATION,
        and_(entry.kind == SearchKind.THINKLAB, edition_seen),
        and_(entry.kind == SearchKind.AGREEMENT, agreement_seen),
    )


# The full-text match, on each database ----------------------------------------------------


def _matching_statement(columns, words: tuple[str, ...], viewer: Viewer):
    """Return (statement, order): the visible entries holding every word, the last as a
    prefix, and the order that puts the best first.

    Title words weigh more than body words: bm25 with weights 10 and 1 on SQLite, ts_rank
    over a tsvector whose title part has weight A and body part B on PostgreSQL.
    """
    edition = aliased(Edition)
    statement = select(*columns).outerjoin(edition, edition.id == SearchEntry.edition_id)
    statement = statement.where(_visible(viewer, edition))
    if db.engine.dialect.name == "postgresql":
        terms = [*words[:-1], f"{words[-1]}:*"]
        tsquery = func.to_tsquery("simple", " & ".join(terms))
        document = literal_column(f"({PG_DOCUMENT})")
        return statement.where(document.op("@@")(tsquery)), func.ts_rank(document, tsquery).desc()
    terms = [f'"{word}"' for word in words[:-1]] + [f'"{words[-1]}"*']
    matching = (
        select(
            literal_column("rowid").label("rowid"),
            func.bm25(literal_column(FTS_TABLE), 10.0, 1.0).label("score"),
        )
        .select_from(text(FTS_TABLE))
        .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=" ".join(terms)))
        .subquery("matching")
    )
    statement = statement.join(matching, matching.c.rowid == SearchEntry.id)
    return statement, matching.c.score.asc()


# Results -----------------------------------------------------------------------------------


@dataclass
class SearchResults:
    query: SearchQuery
    kind: SearchKind | None = None
    entries: list[SearchEntry] = field(default_factory=list)
    counts: dict[SearchKind, int] = field(default_factory=dict)
    page: int = 1

    @property
    def total(self) -> int:
        if self.kind is not None:
            return self.counts.get(self.kind, 0)
        return sum(self.counts.values())

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))


def search(user, query: SearchQuery, kind: SearchKind | None = None, page: int = 1):
    """Return the entries ``user`` may see that hold every word of ``query``, best first.

    Three statements whatever the reader and the page: their rights, the counts by kind,
    and the page of entries.
    """
    results = SearchResults(query=query, kind=kind, page=page)
    if query.is_empty:
        return results
    viewer = viewer_of(user)
    counting, _order = _matching_statement(
        (SearchEntry.kind, func.count(SearchEntry.id)), query.words, viewer
    )
    results.counts = dict(db.session.execute(counting.group_by(SearchEntry.kind)).all())
    if results.total == 0:
        return results
    results.page = min(page, results.pages)
    listing, order = _matching_statement((SearchEntry,), query.words, viewer)
    if kind is not None:
        listing = listing.where(SearchEntry.kind == kind)
    listing = (
        listing.order_by(order, SearchEntry.id)
        .limit(PAGE_SIZE)
        .offset((results.page - 1) * PAGE_SIZE)
    )
    results.entries = list(db.session.scalars(listing))
    return results


# Highlighting ------------------------------------------------------------------------------


def _matches(word: str, words: tuple[str, ...]) -> bool:
    normalised = normalise(word)
    return normalised in words or (bool(words) and normalised.startswith(words[-1]))


def highlight(value: str, words: tuple[str, ...]) -> Markup:
    """Return ``value`` escaped, with the words that match the query in ``<mark>``."""
    pieces = []
    position = 0
    for found in _WORD.finditer(value):
        if _matches(found.group(), words):
            pieces.append(escape(value[position : found.start()]))
            pieces.append(Markup("<mark>%s</mark>") % found.group())
            position = found.end()
    pieces.append(escape(value[position:]))
    return Markup("").join(pieces)


def snippet(value: str, words: tuple[str, ...], length: int = SNIPPET_LENGTH) -> Markup:
    """Return a part of a long text around its first matching word, highlighted."""
    value = " ".join((value or "").split())
    if len(value) <= length:
        return highlight(value, words)
    start = 0
    for found in _WORD.finditer(value):
        if _matches(found.group(), words):
            start = max(0, found.start() - length // 3)
            break
    if start:
        space = value.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + length
    if end < len(value):
        space = value.rfind(" ", start, end)
        end = space if space > start else end
    part = highlight(value[start:end], words)
    return Markup("%s%s%s") % ("… " if start else "", part, " …" if end < len(value) else "")
