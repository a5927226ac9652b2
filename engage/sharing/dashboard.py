"""The board dashboard: for each priority (of the current framework, with the older
priorities that became it) and each of its outcomes, the consultations held, reports
published, responses done, due and late, and each indicator's baseline, target, latest
reading and status; and how well consultations cover the priority wards."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..consultations.models import Consultation
from ..extensions import db
from ..partnership.models import Area, Outcome, Priority
from ..partnership.services import STATUS_LABELS, area_ancestor_ids, area_subtree_ids, current_framework, priority_lineage_ids
from . import responses, services
from .models import FindingsReport


@dataclass
class Counts:
    consultations: int = 0
    reports: int = 0
    done: int = 0
    due: int = 0
    late: int = 0


@dataclass
class OutcomeRow:
    outcome: Outcome
    counts: Counts
    indicators: list = field(default_factory=list)


@dataclass
class PriorityRow:
    priority: Priority
    was: list[str]
    counts: Counts
    outcomes: list[OutcomeRow]
    late_items: list = field(default_factory=list)


@dataclass
class WardRow:
    ward: Area
    local: int
    wider: int
    reports: int


def _response_counts(reports, counts: Counts, today: date, late_items=None) -> None:
    for report in reports:
        for item in responses.progress(report):
            state = item.state_on(today)
            setattr(counts, state, getattr(counts, state) + 1)
            if state == "late" and late_items is not None:
                late_items.append((report, item))


def build(today: date | None = None) -> dict:
    today = today or date.today()
    framework = current_framework()
    published = db.session.scalars(select(FindingsReport).where(services.out_clause())).all()
    consultations = db.session.scalars(select(Consultation)).all()
    rows = []
    for priority in (framework.priorities if framework else []):
        lineage = priority_lineage_ids([priority.id])
        held = [c for c in consultations if any(p.id in lineage for p in c.priorities)]
        reports = [r for r in published if any(p.id in lineage for p in r.priorities)]
        counts = Counts(consultations=len(held), reports=len(reports))
        late_items = []
        _response_counts(reports, counts, today, late_items)
        outcome_rows = []
        for outcome in priority.outcomes:
            o_reports = [r for r in published if outcome in r.outcomes]
            o_counts = Counts(consultations=sum(1 for c in consultations if outcome in c.outcomes), reports=len(o_reports))
            _response_counts(o_reports, o_counts, today)
            indicators = [{"indicator": i, "status": i.status, "status_label": STATUS_LABELS.get(i.status, i.status)}
                          for i in outcome.indicators]
            outcome_rows.append(OutcomeRow(outcome, o_counts, indicators))
        was = sorted({f"{p.name} ({p.framework.name})" for p in db.session.scalars(select(Priority).where(Priority.id.in_(lineage - {priority.id})))})
        rows.append(PriorityRow(priority, was, counts, outcome_rows, late_items))
    wards = []
    for ward in db.session.scalars(select(Area).where(Area.priority_ward.is_(True)).order_by(Area.name)):
        inside = area_subtree_ids([ward.id])
        above = set(area_ancestor_ids(ward.id))
        local = sum(1 for c in consultations if any(a.id in inside for a in c.areas))
        wider = sum(1 for c in consultations if not any(a.id in inside for a in c.areas) and any(a.id in above for a in c.areas))
        n_reports = sum(1 for r in published if any(a.id in inside or a.id in above for a in r.areas))
        wards.append(WardRow(ward, local, wider, n_reports))
    totals = Counts(consultations=len(consultations), reports=len(published))
    late_all = []
    _response_counts(published, totals, today, late_all)
    return {"framework": framework, "rows": rows, "wards": wards, "totals": totals, "late": late_all, "today": today}
