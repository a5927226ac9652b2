"""The accessibility statement (issue 23): one record an officer keeps up to date, with the
parts the Public Sector Bodies Accessibility Regulations 2018 ask for.

Revision ID: 0032_accessibility_statement
Revises: 0031_ladder_of_intervention
"""
import sqlalchemy as sa
from alembic import op

revision = "0032_accessibility_statement"
down_revision = "0031_ladder_of_intervention"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accessibility_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("compliance", sa.String(length=10), nullable=False),
        sa.Column("non_compliant", sa.Text(), nullable=False),
        sa.Column("disproportionate_burden", sa.Text(), nullable=False),
        sa.Column("outside_scope", sa.Text(), nullable=False),
        sa.Column("format_contact", sa.Text(), nullable=False),
        sa.Column("format_days", sa.Integer(), nullable=False),
        sa.Column("problem_contact", sa.Text(), nullable=False),
        sa.Column("improvements", sa.Text(), nullable=False),
        sa.Column("tested_on", sa.Date(), nullable=True),
        sa.Column("tested_by", sa.String(length=300), nullable=False),
        sa.Column("prepared_on", sa.Date(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name="fk_accessibility_statement_updated_by_id_user", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_accessibility_statement"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_accessibility_statement_updated_by_id", "accessibility_statement", ["updated_by_id"])


def downgrade():
    op.drop_index("ix_accessibility_statement_updated_by_id", table_name="accessibility_statement")
    op.drop_table("accessibility_statement")
