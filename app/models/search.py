"""The search index: one entry per thing the search box finds, with its normalised text."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_type


class SearchKind(enum.Enum):
    SESSION = "session"
    SPEAKER = "speaker"
    SHOWCASE = "showcase"
    ORGANISATION = "organisation"
    THINKLAB = "thinklab"
    AGREEMENT = "agreement"


class SearchEntry(Base):
    """What the search box knows of one session, speaker, showcase, organisation, thinklab
    or agreement: its text as shown, the same text normalised (lower case, no accents, no
    Arabic diacritics), and what deciding who may see it needs.

    ``is_public`` is the object's own public state (an accepted and announced showcase, a
    public agreement); whether its edition is public is read from the edition at search
    time, so publishing an edition needs no reindex.
    """

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SearchKind] = mapped_column(enum_type(SearchKind, "kind"))
    object_id: Mapped[int]
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    slug: Mapped[str | None] = mapped_column(sa.String(80))
    is_public: Mapped[bool] = mapped_column(default=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    normalised_title: Mapped[str] = mapped_column(sa.Text, default="")
    normalised_body: Mapped[str] = mapped_column(sa.Text, default="")

    __table_args__ = (sa.UniqueConstraint("kind", "object_id"),)

    def __repr__(self) -> str:
        return f"<SearchEntry {self.kind.value} {self.object_id}>"


# The full-text side of the index, made with the table (by the migration, and by
# ``create_all`` in tests). SQLite: an FTS5 table over the normalised columns, kept in step
# by triggers. PostgreSQL: a GIN index over the weighted tsvector the search asks.
FTS_TABLE = "search_fts"
PG_INDEX = "ix_search_entries_document"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(normalised_title, normalised_body, "
    "content='search_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, normalised_title, normalised_body) "
    "VALUES (new.id, new.normalised_title, new.normalised_body); END",
    f"CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, normalised_title, normalised_body) "
    "VALUES ('delete', old.id, old.normalised_title, old.normalised_body); END",
    f"CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, normalised_title, normalised_body) "
    "VALUES ('delete', old.id, old.normalised_title, old.normalised_body); "
    f"INSERT INTO {FTS_TABLE}(rowid, normalised_title, normalised_body) "
    "VALUES (new.id, new.normalised_title, new.normalised_body); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_entries_au",
    "DROP TRIGGER IF EXISTS search_entries_ad",
    "DROP TRIGGER IF EXISTS search_entries_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
PG_DOCUMENT = (
    "setweight(to_tsvector('simple', normalised_title), 'A') || "
    "setweight(to_tsvector('simple', normalised_body), 'B')"
)
PG_DDL = (f"CREATE INDEX {PG_INDEX} ON search_entries USING gin (({PG_DOCUMENT}))",)
PG_DROP = (f"DROP INDEX IF EXISTS {PG_INDEX}",)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object``: leave the full-text parts to the search's migration
    (the SQLite FTS5 table with the tables FTS5 keeps beside it, the PostgreSQL index);
    they belong to no model, so comparing the models with the database skips them."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name == PG_INDEX)


def _create_full_text(target, connection, **_kw) -> None:
    statements = {"sqlite": SQLITE_DDL, "postgresql": PG_DDL}.get(connection.dialect.name, ())
    for statement in statements:
        connection.exec_driver_sql(statement)


def _drop_full_text(target, connection, **_kw) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(connection.dialect.name, ())
    for statement in statements:
        connection.exec_driver_sql(statement)


sa.event.listen(SearchEntry.__table__, "after_create", _create_full_text)
sa.event.listen(SearchEntry.__table__, "before_drop", _drop_full_text)
