"""survey_answer.version: coding a comment with themes is an edit checked with
engage.core.concurrency, like every other staff edit of a survey

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-30 05:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_answer', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('survey_answer', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('version')
