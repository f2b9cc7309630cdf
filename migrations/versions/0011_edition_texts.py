"""Edition texts: the language of an edition's title, theme and description, and the same
texts in other languages

Revision ID: 0011_edition_texts
Revises: 0010_registrations
Create Date: 2026-12-04 13:40:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_edition_texts'
down_revision = '0010_registrations'
branch_labels = None
depends_on = None

ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def upgrade():
    op.create_table(
        'edition_texts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('theme', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("lang IN ('en', 'fr', 'ar')", name=op.f('ck_edition_texts_lang_known')),
        sa.ForeignKeyConstraint(
            ['edition_id'],
            ['editions.id'],
            name=op.f('fk_edition_texts_edition_id_editions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_edition_texts')),
        sa.UniqueConstraint('edition_id', 'lang', name=op.f('uq_edition_texts_edition_id_lang')),
    )
    # A plain ADD COLUMN with a constant default, never a batch: on SQLite a batch would
    # rebuild ``editions`` and, with foreign keys on, cascade-delete everything under it.
    op.add_column(
        'editions',
        sa.Column('original_lang', sa.String(length=8), server_default='fr', nullable=False),
    )
    # Every edition so far was written in French (the series run in Tunisia, Morocco and
    # France), except one whose title is in Arabic script.
    bind = op.get_bind()
    editions = sa.table('editions', sa.column('id', sa.Integer), sa.column('title', sa.String))
    arabic = [
        row.id
        for row in bind.execute(sa.select(editions.c.id, editions.c.title))
        if ARABIC_LETTER.search(row.title or "")
    ]
    if arabic:
        bind.execute(
            sa.text("UPDATE editions SET original_lang = 'ar' WHERE id IN :ids").bindparams(
                sa.bindparam('ids', expanding=True)
            ),
            {'ids': arabic},
        )
    if bind.dialect.name != 'sqlite':  # SQLite would rebuild the table and cascade deletes
        op.create_check_constraint(
            'original_lang_known', 'editions', "original_lang IN ('en', 'fr', 'ar')"
        )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite 3.35+ drops a column in place; a batch would rebuild ``editions``.
        op.execute('ALTER TABLE editions DROP COLUMN original_lang')
    else:
        op.drop_constraint('original_lang_known', 'editions', type_='check')
        op.drop_column('editions', 'original_lang')
    op.drop_table('edition_texts')
