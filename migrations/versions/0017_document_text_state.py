"""A consultation document says whether its words have been read for search: they are read in
background work (a child process with limits on time and memory), not in the upload request.

Revision ID: 0017_document_text_state
Revises: 0016_equality_text_personal
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_document_text_state"
down_revision = "0016_equality_text_personal"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation_document") as batch:
        batch.add_column(sa.Column("text_state", sa.String(length=10), nullable=False, server_default="read"))
        batch.add_column(sa.Column("text_problem", sa.String(length=300), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("consultation_document") as batch:
        batch.drop_column("text_problem")
        batch.drop_column("text_state")
