"""Separation of duties, survey results made public by a decision on the survey, and comments
marked as spam (issue 16)

- findings_contribution: who changed a findings report's content, and when (nobody who changed
  it since it was last approved may approve it);
- survey.results_public_at / results_public_by_id: the decision that a survey's results are
  public (never a side effect of the consultation's results date);
- strategy_comment.spam_at / spam_by_id: an officer marked the comment as spam (kept, not
  published, not waiting for a response).

Revision ID: 0019_workflow
Revises: 0018_survey_min_age
"""
from alembic import op
import sqlalchemy as sa

revision = "0019_workflow"
down_revision = "0018_survey_min_age"
branch_labels = None
depends_on = None

AUTOINC = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table(
        "findings_contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("part", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["findings_report.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("findings_contribution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_contribution_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_contribution_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("survey", schema=None, table_kwargs=AUTOINC) as batch_op:
        batch_op.add_column(sa.Column("results_public_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("results_public_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_survey_results_public_by_id_user", "user", ["results_public_by_id"], ["id"],
                                    ondelete="SET NULL")
    # Surveys published before: their results were public when the consultation's were.
    op.execute("UPDATE survey SET results_public_at = published_at WHERE published_at IS NOT NULL AND consultation_id IN "
               "(SELECT id FROM consultation WHERE results_published_on IS NOT NULL)")

    with op.batch_alter_table("strategy_comment", schema=None, table_kwargs=AUTOINC) as batch_op:
        batch_op.add_column(sa.Column("spam_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("spam_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_strategy_comment_spam_by_id_user", "user", ["spam_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("strategy_comment", schema=None, table_kwargs=AUTOINC) as batch_op:
        batch_op.drop_constraint("fk_strategy_comment_spam_by_id_user", type_="foreignkey")
        batch_op.drop_column("spam_by_id")
        batch_op.drop_column("spam_at")
    with op.batch_alter_table("survey", schema=None, table_kwargs=AUTOINC) as batch_op:
        batch_op.drop_constraint("fk_survey_results_public_by_id_user", type_="foreignkey")
        batch_op.drop_column("results_public_by_id")
        batch_op.drop_column("results_public_at")
    op.drop_table("findings_contribution")
