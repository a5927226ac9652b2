"""What "You said, we did" needs to know about all the published reports at once, read in one
statement on every load of the list: the years a reader can filter by, how many reports they
may read, and whether a report has come out of its embargo without anyone being told yet
(then the page releases it, ``notices.release_due``). Three statements before (issue 21)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, extract, func, select

from ..extensions import db
from .models import FindingsReport
from .services import now, out_clause, public_levels


@dataclass(frozen=True)
class Overview:
    years: list[int]    # the years with a report the reader may read, newest first
    total: int          # how many reports the reader may read (no filters)
    due: bool           # a report out of its embargo that nobody has been told about yet


def overview(user=None, at: datetime | None = None) -> Overview:
    """Every report out at ``at`` (published, past any embargo), counted by the year it came
    out: those ``user`` may read (``services.public_clause``) and those not yet released."""
    at = at or now()
    year = extract("year", func.coalesce(FindingsReport.embargo_until, FindingsReport.published_at))
    readable = func.sum(case((FindingsReport.visibility.in_(public_levels(user)), 1), else_=0))
    unreleased = func.sum(case((FindingsReport.released_at.is_(None), 1), else_=0))
    rows = db.session.execute(select(year, readable, unreleased).where(out_clause(at)).group_by(year)).all()
    return Overview(years=sorted({int(y) for y, shown, _due in rows if y is not None and shown}, reverse=True),
                    total=sum(int(shown or 0) for _y, shown, _due in rows),
                    due=any(due for _y, _shown, due in rows))
