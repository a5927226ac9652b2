"""A bid funded when its round is decided becomes a funded project: the bid keeps a link to it.

Revision ID: 0037_bid_project
Revises: 0037_privacy_figure_disclosure
Create Date: 2026-12-07 02:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0037_bid_project'
down_revision = '0037_privacy_figure_disclosure'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bid', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_bid_project_id', ['project_id'], unique=False)
        batch_op.create_foreign_key('fk_bid_project_id_funded_project', 'funded_project', ['project_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('bid', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint('fk_bid_project_id_funded_project', type_='foreignkey')
        batch_op.drop_index('ix_bid_project_id')
        batch_op.drop_column('project_id')
