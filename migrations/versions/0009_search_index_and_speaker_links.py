"""The search index (with SQLite FTS5 or a PostgreSQL GIN index) and speakers' links

Revision ID: 0009_search
Revises: 0008
Create Date: 2026-12-04 09:50:00

"""

import sqlalchemy as sa
from alembic import op

from app.models.search import PG_DDL, PG_DROP, SQLITE_DDL, SQLITE_DROP

# revision identifiers, used by Alembic.
revision = "0009_search"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "session",
                "speaker",
                "showcase",
                "organisation",
                "thinklab",
                "agreement",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("slug", sa.String(length=80), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("normalised_title", sa.Text(), nullable=False),
        sa.Column("normalised_body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_search_entries_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_search_entries_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "object_id", name=op.f("uq_search_entries_kind_object_id")),
    )
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_entries_edition_id"), ["edition_id"], unique=False
        )
    bind = op.get_bind()
    for statement in {"sqlite": SQLITE_DDL, "postgresql": PG_DDL}.get(bind.dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("links", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.drop_column("links")
    bind = op.get_bind()
    for statement in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(bind.dialect.name, ()):
        op.execute(statement)
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_entries_edition_id"))
    op.drop_table("search_entries")
