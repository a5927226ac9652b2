"""search_pending.generation: index work owed to a rebuild that is running

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_pending', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f('ix_search_pending_index_name'), ['index_name', 'generation'], unique=False)


def downgrade():
    with op.batch_alter_table('search_pending', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_pending_index_name'))
        batch_op.drop_column('generation')
