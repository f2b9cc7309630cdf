"""Calendars: UIDs stored with their objects

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 06:10:00.000000

"""
import os
from urllib.parse import urlsplit

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Until now a UID was "<kind>-<id>@<host of AGORA_BASE_URL>", computed on every request.
TABLES = (
    ('conference_sessions', 'session'),
    ('thinklabs', 'thinklab'),
    ('agreements', 'agreement'),
)


def _legacy_host() -> str:
    """The host today's UIDs carry: the one of the address the site is configured with."""
    try:
        from flask import current_app

        base_url = current_app.config.get('AGORA_BASE_URL')
    except RuntimeError:
        base_url = None
    base_url = base_url or os.environ.get('AGORA_BASE_URL') or 'http://127.0.0.1:5000'
    return urlsplit(base_url.rstrip('/')).hostname or 'agora.localhost'


def upgrade():
    host = _legacy_host()
    for table, kind in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('ical_uid', sa.String(length=255), nullable=True))
        # Objects that exist keep the UID subscribers already hold.
        op.execute(
            sa.text(
                f"UPDATE {table} SET ical_uid = :kind || '-' || CAST(id AS VARCHAR(20)) || '@' || :host"
            ).bindparams(kind=kind, host=host)
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('ical_uid', existing_type=sa.String(length=255), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_ical_uid'), ['ical_uid'])


def downgrade():
    for table, _kind in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_ical_uid'), type_='unique')
            batch_op.drop_column('ical_uid')
