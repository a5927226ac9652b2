"""Population figures loaded with their source and date (issue 20): each confirmed load keeps
where the figures come from, the date they are for, who loaded them and when.

Revision ID: 0030_population_loads
Revises: 0029_survey_lifecycle_moves
"""
import sqlalchemy as sa
from alembic import op

revision = "0030_population_loads"
down_revision = "0029_survey_lifecycle_moves"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "population_load",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("figures_date", sa.Date(), nullable=False),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("covers", sa.JSON(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["loaded_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_population_load_loaded_by_id", "population_load", ["loaded_by_id"])


def downgrade():
    op.drop_index("ix_population_load_loaded_by_id", table_name="population_load")
    op.drop_table("population_load")
