"""Account invitations: an emailed single-use link, kept with password reset links.

Revision ID: 0010
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("setup_pending", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("password_reset_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=10), server_default="reset", nullable=False))


def downgrade():
    with op.batch_alter_table("password_reset_token", schema=None) as batch_op:
        batch_op.drop_column("purpose")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("setup_pending")
