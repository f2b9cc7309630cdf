"""Editions: a data version moved by every change of their programme

Revision ID: 0012_data_version
Revises: 0011_edition_texts
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_data_version'
down_revision = '0011_edition_texts'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs, never a batch: on SQLite a batch would rebuild ``editions`` and,
    # with foreign keys on, cascade-delete everything under it.
    op.add_column(
        'editions', sa.Column('data_version', sa.Integer(), server_default='0', nullable=False)
    )
    op.add_column('editions', sa.Column('data_changed_at', sa.DateTime(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place, as PostgreSQL does.
    op.drop_column('editions', 'data_changed_at')
    op.drop_column('editions', 'data_version')
