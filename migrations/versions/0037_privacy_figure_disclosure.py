"""What the public may see of each consultation figure, when the source that wrote it decided
(a survey's own publication): the consultation database then shows exactly the figures the
survey published, with the same cells hidden, instead of suppressing them a second time and
choosing different cells. Empty for results typed in or imported by staff: the consultation
database decides those itself.

Revision ID: 0037_privacy_figure_disclosure
Revises: 0036_survey_structure_version
"""
import sqlalchemy as sa
from alembic import op

revision = "0037_privacy_figure_disclosure"
down_revision = "0036_survey_structure_version"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation_figure") as batch:
        batch.add_column(sa.Column("disclosure", sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table("consultation_figure") as batch:
        batch.drop_column("disclosure")
