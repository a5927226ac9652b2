"""Each follow keeps the language it was asked for in, so its emails are written in it
(issue 23).

Revision ID: 0036_welsh_follow_language
Revises: 0031_cycle_and_risks
Create Date: 2026-12-06 23:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0036_welsh_follow_language'
down_revision = '0031_cycle_and_risks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=20), server_default='en', nullable=False))


def downgrade():
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_column('language')
