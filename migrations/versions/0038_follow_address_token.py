"""Each follower's address has a secret token of its own, for the link in the weekly digest
that stops every email to it: one digest a week per person now covers everything they follow.

Revision ID: 0038_follow_address_token
Revises: 0037_bid_project
Create Date: 2026-12-07 08:50:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0038_follow_address_token'
down_revision = '0037_bid_project'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('follow_address', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=64), nullable=True))
    table = sa.table('follow_address', sa.column('id', sa.Integer), sa.column('token', sa.String))
    connection = op.get_bind()
    for (address_id,) in connection.execute(sa.select(table.c.id)).all():
        connection.execute(table.update().where(table.c.id == address_id).values(token=secrets.token_urlsafe(32)))
    # SQLite rebuilds the table for this: keep its AUTOINCREMENT (ids of deleted addresses
    # are never given to new ones).
    with op.batch_alter_table('follow_address', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_follow_address_token', ['token'])


def downgrade():
    with op.batch_alter_table('follow_address', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint('uq_follow_address_token', type_='unique')
        batch_op.drop_column('token')
