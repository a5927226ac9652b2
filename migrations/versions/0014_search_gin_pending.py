"""The postgres search backend's GIN indexes keep short pending lists (PostgreSQL only).

Revision ID: 0014
Revises: 0012

A GIN index adds new entries to a pending list, and every search reads that list from end to
end until it is merged into the index (by autovacuum, or when it outgrows its limit, 4 MB by
default). Saves add to it all day, so searches slowed as it grew: 256 kB keeps that reading
short, at the cost of a merge a little more often. A rebuild empties the lists when it ends.
"""
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = ("ix_search_document_tsv", "ix_search_document_terms", "ix_search_document_words")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = 256)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
