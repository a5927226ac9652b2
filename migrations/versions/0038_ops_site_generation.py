"""The database's generation (engage/core/generation.py): a restore replaces its token, so that
running processes drop what they remember of the data before the restore.

Revision ID: 0038_ops_site_generation
Revises: 0039_easy_read_pictures
Create Date: 2026-12-07 08:40:00

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0038_ops_site_generation'
down_revision = '0039_easy_read_pictures'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'site_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.bulk_insert(table, [{'token': secrets.token_hex(16),
                            'changed_at': datetime.now(timezone.utc).replace(tzinfo=None)}])


def downgrade():
    op.drop_table('site_generation')
