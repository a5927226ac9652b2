"""The postgres search backend's title words in a column of their own (PostgreSQL only).

Revision ID: 0036_pgsearch_title_tsv
Revises: 0036_welsh_follow_language

``tsv_title`` is the most boosted field's part of ``tsv`` (its weight-A lexemes, with their
positions), a stored generated column kept by PostgreSQL itself, with a GIN index: a search
with many matches ranks a bounded set of candidates, and this column finds the ones with the
words in their title without reading every match (engage/search/postgres_backend.py).
"""
from alembic import op

revision = "0036_pgsearch_title_tsv"
down_revision = "0036_welsh_follow_language"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_document ADD COLUMN tsv_title tsvector"
               " GENERATED ALWAYS AS (ts_filter(tsv, '{a}')) STORED")
    op.execute("CREATE INDEX ix_search_document_tsv_title ON search_document USING gin (tsv_title)"
               " WITH (gin_pending_list_limit = 256)")
    op.execute("ANALYZE search_document")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_document_tsv_title")
    op.execute("ALTER TABLE search_document DROP COLUMN tsv_title")
