"""postcode lookup (postcode to ward, loaded by officers)

Revision ID: 0009
Revises: 0011
Create Date: 2026-11-30 01:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "postcode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=20), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_postcode_area_id_area"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postcode")),
        sa.UniqueConstraint("postcode", name=op.f("uq_postcode_postcode")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("postcode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postcode_area_id"), ["area_id"], unique=False)


def downgrade():
    with op.batch_alter_table("postcode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postcode_area_id"))
    op.drop_table("postcode")
