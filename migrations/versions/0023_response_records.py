"""One response at a time (issue 20): a survey response has an edit version (corrections go
through the shared edit-conflict mechanism), can be set aside as a duplicate or spam, and
keeps a record of what staff did to it (corrected, set aside, put back, erased: who, when,
why) in ``survey_response_event``.

Revision ID: 0023_response_records
Revises: 0021_report_approvers
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_response_records"
down_revision = "0021_report_approvers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_response") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("set_aside", sa.String(length=12), nullable=True))
    op.create_table(
        "survey_response_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("category", sa.String(length=30), nullable=False, server_default=""),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["response_id"], ["survey_response.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_survey_response_event_response_id", "survey_response_event", ["response_id"])


def downgrade():
    op.drop_index("ix_survey_response_event_response_id", table_name="survey_response_event")
    op.drop_table("survey_response_event")
    with op.batch_alter_table("survey_response") as batch:
        batch.drop_column("set_aside")
        batch.drop_column("version")
