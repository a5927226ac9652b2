"""survey.min_age: the youngest age a survey is for, so weighting and "who answered" compare
with the population it could reach (a survey for people aged 16 and over with the 16+ profile)

Revision ID: 0018_survey_min_age
Revises: 0017_document_text_state
Create Date: 2026-12-06 13:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_survey_min_age'
down_revision = '0017_document_text_state'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('min_age', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('survey', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('min_age')
