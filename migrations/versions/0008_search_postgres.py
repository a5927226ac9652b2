"""Search documents in the database, for the postgres search backend (PostgreSQL only).

Revision ID: 0008
Revises: 0006

On SQLite (and any other database) this does nothing: the postgres backend refuses to run
there, and the Whoosh backend keeps its index in a folder. The tables are described in
``engage.search.postgres_backend`` (kept apart from the models' metadata for that reason).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_document",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("index_name", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("fields", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sorts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("terms", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("words", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
    )
    op.create_index("ix_search_document_owner", "search_document", ["index_name", "owner"])
    op.create_index("ix_search_document_tsv", "search_document", ["tsv"], postgresql_using="gin")
    op.create_index("ix_search_document_terms", "search_document", ["terms"], postgresql_using="gin")
    op.create_index("ix_search_document_words", "search_document", ["words"], postgresql_using="gin")
    op.create_table(
        "search_owner",
        sa.Column("index_name", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("writer", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("index_name", "owner", name=op.f("pk_search_owner")),
    )
    op.create_table(
        "search_word",
        sa.Column("index_name", sa.String(length=40), nullable=False),
        sa.Column("word", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("index_name", "word", name=op.f("pk_search_word")),
    )
    op.create_table(
        "search_job",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("state", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("claimed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_job")),
    )
    op.create_index("ix_search_word_trgm", "search_word", ["word"], postgresql_using="gin",
                    postgresql_ops={"word": "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_table("search_job")
    op.drop_table("search_word")
    op.drop_table("search_owner")
    op.drop_table("search_document")
