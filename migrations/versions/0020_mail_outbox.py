"""The mail outbox: emails stored with the change they are about, sent by background work
with retries, each once (issue 16, engage/core/mail.py).

Revision ID: 0020_mail_outbox
Revises: 0019_workflow
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_mail_outbox"
down_revision = "0019_workflow"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("personal", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=True),
        sa.Column("after", sa.String(length=60), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["state", "next_try_at"])
    op.create_index("ix_mail_outbox_topic", "mail_outbox", ["topic"])


def downgrade():
    op.drop_index("ix_mail_outbox_topic", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
