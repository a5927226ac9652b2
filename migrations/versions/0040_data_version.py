"""A number for each table that every writing transaction moves on (engage/core/pagecache.py):
public pages are kept only while the numbers of the tables they read stay the same.

Revision ID: 0040_data_version
Revises: 0038_ops_search_sort_index
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0040_data_version'
down_revision = '0038_ops_search_sort_index'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_version',
        sa.Column('table_name', sa.String(length=100), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('table_name'),
    )
    op.bulk_insert(table, [{'table_name': '*', 'version': 0}])


def downgrade():
    op.drop_table('data_version')
