"""Translations of what staff write (issue 23): ``content_translation`` (a text of a record, in
another language or easy read, with the fingerprint of the English it was made from),
``content_language`` (the versions a unit is offered in), and the language each survey
response was given in.

Revision ID: 0035_content_translations
Revises: 0034_queue_jobs
"""
import sqlalchemy as sa
from alembic import op

revision = "0035_content_translations"
down_revision = "0034_queue_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name="fk_content_translation_updated_by_id_user", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_content_translation"),
        sqlite_autoincrement=True,
    )
    op.create_index("ux_content_translation_text", "content_translation", ["record_type", "record_id", "field", "language"], unique=True)
    op.create_index("ix_content_translation_owner", "content_translation", ["owner_kind", "owner_id", "language"])
    op.create_index("ix_content_translation_updated_by_id", "content_translation", ["updated_by_id"])
    op.create_table(
        "content_language",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("offered_by_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["offered_by_id"], ["user.id"], name="fk_content_language_offered_by_id_user", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_content_language"),
        sqlite_autoincrement=True,
    )
    op.create_index("ux_content_language", "content_language", ["owner_kind", "owner_id", "language"], unique=True)
    op.create_index("ix_content_language_offered_by_id", "content_language", ["offered_by_id"])
    with op.batch_alter_table("survey_response") as batch:
        batch.add_column(sa.Column("language", sa.String(length=20), server_default="en", nullable=False))


def downgrade():
    with op.batch_alter_table("survey_response") as batch:
        batch.drop_column("language")
    op.drop_index("ix_content_language_offered_by_id", table_name="content_language")
    op.drop_index("ux_content_language", table_name="content_language")
    op.drop_table("content_language")
    op.drop_index("ix_content_translation_updated_by_id", table_name="content_translation")
    op.drop_index("ix_content_translation_owner", table_name="content_translation")
    op.drop_index("ux_content_translation_text", table_name="content_translation")
    op.drop_table("content_translation")
