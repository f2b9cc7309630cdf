"""Edition identity: logo, banner, accent colour and the sites allowed to frame its programme

Revision ID: 0009_identity
Revises: 0008
Create Date: 2026-12-04 09:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_identity"
down_revision = "0009_search"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("banner_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("accent_colour", sa.String(length=7), nullable=True))
        batch_op.add_column(
            sa.Column("frame_origins", sa.Text(), server_default="", nullable=False)
        )
        if op.get_bind().dialect.name != 'sqlite':  # SQLite would rebuild the table and cascade deletes
            batch_op.create_check_constraint(
            "accent_colour_hex", "accent_colour IS NULL OR length(accent_colour) = 7"
        )


def downgrade():
    with op.batch_alter_table("editions", schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint("accent_colour_hex", type_="check")
        batch_op.drop_column("frame_origins")
        batch_op.drop_column("accent_colour")
        batch_op.drop_column("banner_key")
        batch_op.drop_column("logo_key")
