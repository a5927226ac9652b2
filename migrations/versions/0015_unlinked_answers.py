"""Answers that cannot be re-linked to a resident (issue 16).

Revision ID: 0015_unlinked_answers
Revises: 0014

- ``survey_contact``: the counting id and the time to the millisecond go. The random ``key``
  becomes the primary key and only the day is kept (``created_on``). On SQLite the table is
  ``WITHOUT ROWID`` (no hidden row number in order of writing). Existing rows are written
  back in a shuffled order, so their place in the table says nothing either.
- ``survey_response.access_code_id`` is emptied for complete responses (it tied answers to a
  row of the mail merge); drafts keep it until they are submitted.
- ``survey_access_code.used_at`` becomes ``used`` (yes or no): a time of use matched the
  response's time.
"""
import random

import sqlalchemy as sa
from alembic import op

revision = "0015_unlinked_answers"
down_revision = "0015_out_of_base"
branch_labels = None
depends_on = None


def _contact_table(with_key: bool):
    columns = [
        sa.Column("key", sa.String(length=40), nullable=False) if with_key else sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
    ]
    if with_key:
        columns += [sa.Column("email", sa.String(length=254), nullable=False),
                    sa.Column("created_on", sa.Date(), nullable=False)]
    else:
        columns += [sa.Column("key", sa.String(length=40), nullable=False),
                    sa.Column("email", sa.String(length=254), nullable=False),
                    sa.Column("created_at", sa.DateTime(), nullable=False)]
    extra = [sa.PrimaryKeyConstraint("key" if with_key else "id", name="pk_survey_contact")]
    if not with_key:
        extra.append(sa.UniqueConstraint("key", name="uq_survey_contact_key"))
    options = {"sqlite_with_rowid": False} if with_key else {"sqlite_autoincrement": True}
    op.create_table(
        "survey_contact", *columns,
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], name="fk_survey_contact_consultation_id_consultation",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], name="fk_survey_contact_survey_id_survey", ondelete="CASCADE"),
        *extra, **options)
    op.create_index("ix_survey_contact_consultation_id", "survey_contact", ["consultation_id"], unique=False)
    op.create_index("ix_survey_contact_survey_id", "survey_contact", ["survey_id"], unique=False)


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, str):
        from datetime import date

        return date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") else value


def upgrade():
    bind = op.get_bind()
    # Contacts: read them, build the table again keyed by the random key, write them back shuffled.
    old = sa.table("survey_contact", sa.column("key"), sa.column("survey_id"), sa.column("consultation_id"),
                   sa.column("email"), sa.column("created_at", sa.DateTime()))
    rows = [dict(row._mapping) for row in bind.execute(sa.select(old))]
    op.drop_index("ix_survey_contact_consultation_id", table_name="survey_contact")
    op.drop_index("ix_survey_contact_survey_id", table_name="survey_contact")
    op.drop_table("survey_contact")
    _contact_table(with_key=True)
    random.SystemRandom().shuffle(rows)
    new = sa.table("survey_contact", sa.column("key"), sa.column("survey_id"), sa.column("consultation_id"),
                   sa.column("email"), sa.column("created_on", sa.Date()))
    if rows:
        bind.execute(new.insert(), [{"key": r["key"], "survey_id": r["survey_id"], "consultation_id": r["consultation_id"],
                                     "email": r["email"], "created_on": _as_date(r["created_at"])} for r in rows])

    # Complete responses forget their access code.
    bind.execute(sa.text("UPDATE survey_response SET access_code_id = NULL WHERE status = 'complete'"))

    # Access codes: used (yes or no), never when.
    with op.batch_alter_table("survey_access_code", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("used", sa.Boolean(), nullable=False, server_default=sa.false()))
    bind.execute(sa.text("UPDATE survey_access_code SET used = :yes WHERE used_at IS NOT NULL"), {"yes": True})
    with op.batch_alter_table("survey_access_code", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("used_at")


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table("survey_access_code", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("used_at", sa.DateTime(), nullable=True))
    # The time of use was never kept: a used code gets the time of the downgrade.
    bind.execute(sa.text("UPDATE survey_access_code SET used_at = CURRENT_TIMESTAMP WHERE used = :yes"), {"yes": True})
    with op.batch_alter_table("survey_access_code", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("used")

    old = sa.table("survey_contact", sa.column("key"), sa.column("survey_id"), sa.column("consultation_id"),
                   sa.column("email"), sa.column("created_on", sa.Date()))
    rows = [dict(row._mapping) for row in bind.execute(sa.select(old))]
    op.drop_index("ix_survey_contact_consultation_id", table_name="survey_contact")
    op.drop_index("ix_survey_contact_survey_id", table_name="survey_contact")
    op.drop_table("survey_contact")
    _contact_table(with_key=False)
    from datetime import datetime, time

    new = sa.table("survey_contact", sa.column("key"), sa.column("survey_id"), sa.column("consultation_id"),
                   sa.column("email"), sa.column("created_at", sa.DateTime()))
    if rows:
        bind.execute(new.insert(), [{"key": r["key"], "survey_id": r["survey_id"], "consultation_id": r["consultation_id"],
                                     "email": r["email"], "created_at": datetime.combine(_as_date(r["created_on"]), time())}
                                    for r in rows])
