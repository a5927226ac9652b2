"""Following by email with no account (issue 18, engage/follow): the followers' addresses,
what each follows, the news waiting for a digest, and which consultations were announced.

Revision ID: 0024_follow
Revises: 0023_response_records
"""
import sqlalchemy as sa
from alembic import op

revision = "0024_follow"
down_revision = "0023_response_records"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=12), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_digest_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["address_id"], ["follow_address.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("address_id", "kind", "target_id", name="uq_follow_target"),
        sa.UniqueConstraint("token"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_follow_address_id", "follow", ["address_id"])
    op.create_table(
        "follow_news",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["follow_id"], ["follow.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("follow_id", "key", name="uq_follow_news_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_follow_news_follow_id", "follow_news", ["follow_id"])
    op.create_table(
        "follow_opened",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("announced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("consultation_id"),
    )


def downgrade():
    op.drop_table("follow_opened")
    op.drop_index("ix_follow_news_follow_id", table_name="follow_news")
    op.drop_table("follow_news")
    op.drop_index("ix_follow_address_id", table_name="follow")
    op.drop_table("follow")
    op.drop_table("follow_address")
