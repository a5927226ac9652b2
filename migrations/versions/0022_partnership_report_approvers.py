"""partnership.report_approvers: who may approve a findings report that names the partnership
(another partnership officer, or also its coordinators), set by an officer, so that no report
is stuck in review when the author is the only officer

Revision ID: 0021_report_approvers
Revises: 0021_survey_paper_settings
Create Date: 2026-12-06 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021_report_approvers'
down_revision = '0021_survey_paper_settings'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('partnership', sa.Column('report_approvers', sa.String(length=20), server_default='officers', nullable=False))


def downgrade():
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_column('report_approvers')
