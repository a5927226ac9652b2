"""Timestamps as the API gives them: RFC 3339 with a UTC offset.

Engage stores times as naive UTC (``engage.core.models.utcnow``), so a time without a zone is
taken to be UTC. Dates (no time of day) stay plain ``YYYY-MM-DD`` (OpenAPI's ``date``).
"""
from __future__ import annotations

from datetime import date, datetime, timezone


def rfc3339(value: datetime | date | None) -> str | None:
    """``2026-11-30T09:15:00+00:00`` for a time, ``2026-11-30`` for a date, None for None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
