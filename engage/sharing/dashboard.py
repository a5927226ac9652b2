"""The board dashboard: for each priority (of the current framework, with the older
priorities that became it) and each of its outcomes, the consultations held, reports
published, responses done, due and late, and each indicator's baseline, target, latest
reading and status; and how well consultations cover the priority wards.

Consultations are counted by the consultations' one visibility rule
(``engage.consultations.services.visible_clause``): another organisation's private
consultation is not counted for someone who may not see it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..consultations.models import Consultation, consultation_area, consultation_outcome, consultation_priority
from ..consultations.services import visible_clause as consultation_visible_clause
from ..extensions import db
from ..partnership.models import Area, Outcome, Priority
from ..partnership.services import STATUS_LABELS, area_ancestor_ids, area_subtree_ids, current_framework, priority_lineage_ids
from . import responses, services
from .models import FindingsReport, Response
from ..core import clock


@dataclass
class Counts:
    consultations: int = 0
    reports: int = 0
    done: int = 0
    due: int = 0
    late: int = 0
    promises: int = 0      # published actions with a due date
    overdue: int = 0       # of those, past the date and not done: broken promises


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


def _response_counts(reports, counts: Counts, today: date, late_items=None, cache=None, overdue_items=None) -> None:
    cache = {} if cache is None else cache
    for report in reports:
        if report.id not in cache:
            cache[report.id] = responses.progress(report)
        for item in cache[report.id]:
            state = item.state_on(today)
            setattr(counts, state, getattr(counts, state) + 1)
            if state == "late" and late_items is not None:
                late_items.append((report, item))
        for response in report.responses:
            if response.due_on is not None:
                counts.promises += 1
                if response.overdue_on(today):
                    counts.overdue += 1
                    if overdue_items is not None:
                        overdue_items.append((report, response))


def _linked(table, column: str) -> defaultdict[int, set[int]]:
    """{consultation id: {linked id}} from one of the consultation link tables."""
    out: defaultdict[int, set[int]] = defaultdict(set)
    for consultation_id, linked_id in db.session.execute(select(table.c.consultation_id, table.c[column])):
        out[consultation_id].add(linked_id)
    return out


def build(user=None, today: date | None = None) -> dict:
    """The dashboard as ``user`` may see it (None: as the public)."""
    today = today or clock.today()
    framework = current_framework()
    published = db.session.scalars(select(FindingsReport).where(services.out_clause()).options(
        selectinload(FindingsReport.partnerships), selectinload(FindingsReport.priorities), selectinload(FindingsReport.outcomes),
        selectinload(FindingsReport.areas), selectinload(FindingsReport.recommendations),
        selectinload(FindingsReport.responses).selectinload(Response.updates),
        selectinload(FindingsReport.responses).selectinload(Response.partnership))).all()
    # Consultations as ids and (consultation, thing) pairs straight from the link tables:
    # thousands of records would otherwise be loaded whole just to be counted.
    consultations = db.session.scalars(select(Consultation.id).where(consultation_visible_clause(user))).all()
    cache: dict = {}
    report_priorities = {r.id: {p.id for p in r.priorities} for r in published}
    report_outcomes = {r.id: {o.id for o in r.outcomes} for r in published}
    report_areas = {r.id: {a.id for a in r.areas} for r in published}
    held_priorities = _linked(consultation_priority, "priority_id")
    held_outcomes = _linked(consultation_outcome, "outcome_id")
    held_areas = _linked(consultation_area, "area_id")
    rows = []
    for priority in (framework.priorities if framework else []):
        lineage = priority_lineage_ids([priority.id])
        held = [c for c in consultations if held_priorities[c] & lineage]
        reports = [r for r in published if report_priorities[r.id] & lineage]
        counts = Counts(consultations=len(held), reports=len(reports))
        late_items = []
        _response_counts(reports, counts, today, late_items, cache)
        outcome_rows = []
        for outcome in priority.outcomes:
            o_reports = [r for r in published if outcome.id in report_outcomes[r.id]]
            o_counts = Counts(consultations=sum(1 for c in consultations if outcome.id in held_outcomes[c]), reports=len(o_reports))
            _response_counts(o_reports, o_counts, today, cache=cache)
            indicators = [{"indicator": i, "status": i.status, "status_label": STATUS_LABELS.get(i.status, i.status)}
                          for i in outcome.indicators]
            outcome_rows.append(OutcomeRow(outcome, o_counts, indicators))
        was = sorted({f"{p.name} ({p.framework.name})" for p in db.session.scalars(select(Priority).where(Priority.id.in_(lineage - {priority.id})))})
        rows.append(PriorityRow(priority, was, counts, outcome_rows, late_items))
    wards = []
    for ward in db.session.scalars(select(Area).where(Area.priority_ward.is_(True)).order_by(Area.name)):
        inside = area_subtree_ids([ward.id])
        above = set(area_ancestor_ids(ward.id))
        local = sum(1 for c in consultations if held_areas[c] & inside)
        wider = sum(1 for c in consultations if not held_areas[c] & inside and held_areas[c] & above)
        n_reports = sum(1 for r in published if report_areas[r.id] & (inside | above))
        wards.append(WardRow(ward, local, wider, n_reports))
    totals = Counts(consultations=len(consultations), reports=len(published))
    late_all, overdue_all = [], []
    _response_counts(published, totals, today, late_all, cache, overdue_all)
    return {"framework": framework, "rows": rows, "wards": wards, "totals": totals, "late": late_all,
            "overdue": overdue_all, "today": today}
