"""Uploads' records and one-time claims in the database (issue 21, several web nodes): the
small JSON records and claim files of engage/core/jobs.py used to live in ENGAGE_UPLOAD_DIR,
which two nodes do not share. ``upload_job`` holds each upload's record, ``work_lease`` the
claims (compare-and-set, renewed while their worker lives).

Revision ID: 0041_shared_upload_jobs
Revises: 0040_data_version
"""
import sqlalchemy as sa
from alembic import op

revision = "0041_shared_upload_jobs"
down_revision = "0040_data_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "upload_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ux_upload_job_kind_token", "upload_job", ["kind", "token"], unique=True)
    op.create_index("ix_upload_job_changed", "upload_job", ["kind", "updated_at"])
    op.create_table(
        "work_lease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("holder", sa.String(length=80), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name=op.f("uq_work_lease_name")),
        sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table("work_lease")
    op.drop_index("ix_upload_job_changed", table_name="upload_job")
    op.drop_index("ux_upload_job_kind_token", table_name="upload_job")
    op.drop_table("upload_job")
