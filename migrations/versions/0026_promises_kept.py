"""Promises kept, or seen to be late (issue 18): partnership responses are drafts until a
coordinator publishes them (who and when), progress notes carry a stage (planned, in progress,
done, not taken), reminders remember each stage they were sent for (due soon, overdue), and a
report remembers when residents who asked to hear back got their second message.

Revision ID: 0026_promises_kept
Revises: 0025_comment_coding
"""
import sqlalchemy as sa
from alembic import op

revision = "0026_promises_kept"
down_revision = "0025_comment_coding"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("findings_report", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("responses_told_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("findings_response", table_kwargs={"sqlite_autoincrement": True}) as batch:
        # Responses saved before drafts existed were public as soon as they were saved.
        batch.add_column(sa.Column("state", sa.String(length=20), nullable=False, server_default="published"))
        batch.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch.create_index("ix_findings_response_state", ["state"])
        batch.create_index("ix_findings_response_published_by_id", ["published_by_id"])
        batch.create_foreign_key("fk_findings_response_published_by_id_user", "user", ["published_by_id"], ["id"], ondelete="SET NULL")
    op.execute("UPDATE findings_response SET published_at = created_at, published_by_id = updated_by_id WHERE published_at IS NULL")
    with op.batch_alter_table("findings_response_update", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("stage", sa.String(length=20), nullable=False, server_default=""))
    op.create_table(
        "findings_stage_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["findings_report.id"], name="fk_findings_stage_reminder_report_id_findings_report", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], name="fk_findings_stage_reminder_partnership_id_partnership", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["findings_response.id"], name="fk_findings_stage_reminder_response_id_findings_response", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_findings_stage_reminder"),
        sa.UniqueConstraint("target", "stage", "due_on", name="uq_findings_stage_reminder_target_stage_due_on"),
        sqlite_autoincrement=True,
    )
    for column in ("report_id", "partnership_id", "response_id"):
        op.create_index(f"ix_findings_stage_reminder_{column}", "findings_stage_reminder", [column])


def downgrade():
    op.drop_table("findings_stage_reminder")
    with op.batch_alter_table("findings_response_update", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("stage")
    with op.batch_alter_table("findings_response", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint("fk_findings_response_published_by_id_user", type_="foreignkey")
        batch.drop_index("ix_findings_response_published_by_id")
        batch.drop_index("ix_findings_response_state")
        batch.drop_column("published_by_id")
        batch.drop_column("published_at")
        batch.drop_column("state")
    with op.batch_alter_table("findings_report", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("responses_told_at")
