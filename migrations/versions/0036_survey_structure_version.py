"""A survey's structure version (issue 21): moved on in the same transaction as every change
to its sections, questions, answer options or conditions, so each web node's cache of the
structure (engage/surveys/snapshot.py) knows with one cheap read whether it is out of date.

Revision ID: 0036_survey_structure_version
Revises: 0036_pgsearch_title_tsv
"""
import sqlalchemy as sa
from alembic import op

revision = "0036_survey_structure_version"
down_revision = "0036_pgsearch_title_tsv"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey") as batch:
        batch.add_column(sa.Column("structure_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("survey") as batch:
        batch.drop_column("structure_version")
