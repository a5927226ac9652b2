"""Survey lifecycle moves made by people (issue 20): close now, extend, reopen, each with a
reason; who, when, from, to and why are kept in ``survey_lifecycle_move``.

Revision ID: 0029_survey_lifecycle_moves
Revises: 0028_take_part_not_stored
"""
import sqlalchemy as sa
from alembic import op

revision = "0029_survey_lifecycle_moves"
down_revision = "0028_take_part_not_stored"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_lifecycle_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("move", sa.String(length=12), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("from_state", sa.String(length=12), nullable=False),
        sa.Column("to_state", sa.String(length=12), nullable=False),
        sa.Column("from_closes", sa.DateTime(), nullable=True),
        sa.Column("to_closes", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_survey_lifecycle_move_survey_id", "survey_lifecycle_move", ["survey_id"])


def downgrade():
    op.drop_index("ix_survey_lifecycle_move_survey_id", table_name="survey_lifecycle_move")
    op.drop_table("survey_lifecycle_move")
