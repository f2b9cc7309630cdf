"""Registrations: when each last changed, for apps that sync with ?updated_since=

Revision ID: 0010_registrations
Revises: 0009_journeys
Create Date: 2026-12-04 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_registrations'
down_revision = '0009_journeys'
branch_labels = None
depends_on = None


def upgrade():
    # Nothing references registrations, so SQLite may rebuild the table for NOT NULL.
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE registrations SET updated_at = COALESCE("
        "checked_in_at, cancelled_at, promoted_at, waitlisted_at, created_at)"
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
