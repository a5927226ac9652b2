"""integrity: ids never reused, edit versions, audit history tied to its record, sessions
that can be ended, sign-in attempts per account and address

On SQLite every table whose id is one integer column is rebuilt with AUTOINCREMENT (batch
recreate, with foreign keys off as migrations/env.py arranges), so a deleted row's id is never
given out again. PostgreSQL sequences already never go back, so there only columns are added.

Revision ID: 0004
Revises: 0005
Create Date: 2026-11-30 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None

VERSIONED = ["organisation", "partnership", "framework", "priority", "theme", "outcome", "indicator", "area",
             "user", "consultation", "consultation_finding", "toolkit_entry"]


def _integer_id_tables(bind) -> list[str]:
    inspector = sa.inspect(bind)
    out = []
    for name in inspector.get_table_names():
        if name in ("alembic_version", "sqlite_sequence"):
            continue
        pk = inspector.get_pk_constraint(name).get("constrained_columns") or []
        if len(pk) != 1:
            continue
        column = next(c for c in inspector.get_columns(name) if c["name"] == pk[0])
        if not isinstance(column["type"], sa.Integer):
            continue
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (name,)).scalar() or ""
        if "AUTOINCREMENT" in sql.upper():
            continue
        out.append(name)
    return out


def _extra_columns(name: str) -> list[sa.Column]:
    columns = []
    if name in VERSIONED:
        columns.append(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    if name == "user":
        columns.append(sa.Column("session_token", sa.String(length=64), server_default="", nullable=False))
    if name == "audit_event":
        columns.append(sa.Column("record_version", sa.Integer(), nullable=True))
        columns.append(sa.Column("record_deleted", sa.Boolean(), server_default=sa.false(), nullable=False))
    return columns


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    rebuild = set(_integer_id_tables(bind)) if sqlite else set()
    names = sorted(rebuild | set(VERSIONED) | {"audit_event"})
    for name in names:
        columns = _extra_columns(name)
        if name in rebuild:
            with op.batch_alter_table(name, recreate="always", table_kwargs={"sqlite_autoincrement": True}) as batch:
                for column in columns:
                    batch.add_column(column)
        elif columns:
            with op.batch_alter_table(name) as batch:
                for column in columns:
                    batch.add_column(column)
    with op.batch_alter_table("audit_event") as batch:
        batch.create_index("ix_audit_event_record", ["object_type", "object_id", "record_deleted"], unique=False)

    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sign_in_attempt") as batch:
        batch.create_index(batch.f("ix_sign_in_attempt_account"), ["account"], unique=False)
        batch.create_index(batch.f("ix_sign_in_attempt_address"), ["address"], unique=False)
        batch.create_index(batch.f("ix_sign_in_attempt_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_in_attempt") as batch:
        batch.drop_index(batch.f("ix_sign_in_attempt_created_at"))
        batch.drop_index(batch.f("ix_sign_in_attempt_address"))
        batch.drop_index(batch.f("ix_sign_in_attempt_account"))
    op.drop_table("sign_in_attempt")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_index("ix_audit_event_record")
    for name in sorted(set(VERSIONED) | {"audit_event"}):
        with op.batch_alter_table(name) as batch:
            for column in _extra_columns(name):
                batch.drop_column(column.name)
    # Tables keep AUTOINCREMENT: going back must not start reusing ids.
