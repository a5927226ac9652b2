"""survey_option.out_of_base: an answer ("Don't know", "Not applicable") the survey's editors
leave out of the base of the percentages (issue 17)

Revision ID: 0015_out_of_base
Revises: 0014
Create Date: 2026-12-06 13:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_out_of_base'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_option', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('out_of_base', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('survey_option', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('out_of_base')
