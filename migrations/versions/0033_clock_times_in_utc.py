"""Stored times are UTC everywhere (issue 21, engage/core/clock.py).

Most columns were already stamped in UTC (``utcnow``). A few held the wall-clock time a member
of staff typed or a local midnight, without a zone; they are converted from the site's zone
(``ENGAGE_TIMEZONE``, default Europe/London) to UTC here:

- ``findings_report.embargo_until``: the embargo date and time typed by staff;
- ``network_event.starts_at`` / ``ends_at``: the event's date and times typed by staff;
- ``survey.opens_at`` / ``closes_at`` and ``survey_lifecycle_move.from_closes`` / ``to_closes``:
  local midnights made from the dates staff typed. A survey closed "now" holds a UTC moment
  already; only values at exactly midnight (the ones made from a date) are converted.

A local time that happens twice (the clocks going back) is taken as the first; one that never
happens (the clocks going forward) with the offset before the change, as clock.from_local does.

Revision ID: 0033_clock_times_in_utc
Revises: 0031_funding_programmes
"""
import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0033_clock_times_in_utc"
down_revision = "0031_funding_programmes"
branch_labels = None
depends_on = None

# (table, column, only values at midnight)
COLUMNS = [
    ("findings_report", "embargo_until", False),
    ("network_event", "starts_at", False),
    ("network_event", "ends_at", False),
    ("survey", "opens_at", True),
    ("survey", "closes_at", True),
    ("survey_lifecycle_move", "from_closes", True),
    ("survey_lifecycle_move", "to_closes", True),
]


def _zone() -> ZoneInfo:
    name = None
    try:
        from flask import current_app

        name = current_app.config.get("ENGAGE_TIMEZONE")
    except RuntimeError:
        pass
    return ZoneInfo(name or os.environ.get("ENGAGE_TIMEZONE") or "Europe/London")


def _to_utc(value: datetime, zone) -> datetime:
    return value.replace(tzinfo=zone, fold=0).astimezone(timezone.utc).replace(tzinfo=None)


def _to_local(value: datetime, zone) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)


def _convert(change, midnight_in_result: bool) -> None:
    bind = op.get_bind()
    zone = _zone()
    for table_name, column, midnight_only in COLUMNS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.DateTime))
        rows = bind.execute(sa.select(table.c.id, table.c[column]).where(table.c[column].is_not(None))).all()
        for row_id, value in rows:
            if isinstance(value, str):   # SQLite without type affinity
                value = datetime.fromisoformat(value)
            if midnight_only:
                # Upgrading: local midnights. Downgrading: UTC values that are a local midnight.
                local = _to_local(value, zone) if midnight_in_result else value
                if local.time() != datetime.min.time():
                    continue
            bind.execute(table.update().where(table.c.id == row_id).values({column: change(value, zone)}))


def upgrade():
    _convert(_to_utc, midnight_in_result=False)


def downgrade():
    _convert(_to_local, midnight_in_result=True)
