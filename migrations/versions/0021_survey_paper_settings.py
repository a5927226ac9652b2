"""survey.paper_return and survey.paper_copies: what the paper version and the poster say
about returning and getting paper copies, a setting of each survey instead of fixed words

Revision ID: 0021_survey_paper_settings
Revises: 0020_mail_outbox
Create Date: 2026-12-06 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021_survey_paper_settings'
down_revision = '0020_mail_outbox'
branch_labels = None
depends_on = None

RETURN = "Please post it back in the freepost envelope, or hand it in at any library."
COPIES = "Ask at your library for a paper copy."


def upgrade():
    with op.batch_alter_table('survey', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('paper_return', sa.String(length=300), server_default=RETURN, nullable=False))
        batch_op.add_column(sa.Column('paper_copies', sa.String(length=300), server_default=COPIES, nullable=False))


def downgrade():
    with op.batch_alter_table('survey', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('paper_copies')
        batch_op.drop_column('paper_return')
