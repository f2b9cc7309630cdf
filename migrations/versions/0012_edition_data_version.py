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
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('data_version', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('data_changed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_column('data_changed_at')
        batch_op.drop_column('data_version')
