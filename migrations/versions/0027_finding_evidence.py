"""findings_report_finding.evidence_kind and evidence_id: a key finding can cite evidence
another capability offers through engage.core.registry.evidence (a survey's comment theme),
its figures read when the report is shown

Revision ID: 0027_finding_evidence
Revises: 0026_promises_kept
Create Date: 2026-12-06 17:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0027_finding_evidence'
down_revision = '0026_promises_kept'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('findings_report_finding', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('evidence_kind', sa.String(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('evidence_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('findings_report_finding', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('evidence_id')
        batch_op.drop_column('evidence_kind')
