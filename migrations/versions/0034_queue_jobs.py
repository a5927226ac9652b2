"""Background work on a queue (issue 21): one row per job, so that a job survives a killed
worker, is retried with backoff and ends on a dead-letter list officers can see
(engage/core/queue.py).

Revision ID: 0034_queue_jobs
Revises: 0033_clock_times_in_utc
"""
import sqlalchemy as sa
from alembic import op

revision = "0034_queue_jobs"
down_revision = "0033_clock_times_in_utc"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "queue_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("args", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=60), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_queue_job_due", "queue_job", ["state", "next_try_at"])
    op.create_index("ix_queue_job_key", "queue_job", ["key"])
    op.create_index("ux_queue_job_queued_key", "queue_job", ["key"], unique=True,
                    sqlite_where=sa.text("state = 'queued'"), postgresql_where=sa.text("state = 'queued'"))


def downgrade():
    op.drop_index("ux_queue_job_queued_key", table_name="queue_job")
    op.drop_index("ix_queue_job_key", table_name="queue_job")
    op.drop_index("ix_queue_job_due", table_name="queue_job")
    op.drop_table("queue_job")
