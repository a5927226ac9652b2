"""Planning better: the forward plan of planned and open consultations, and consultation
activity by ward.

Both respect visibility through the consultation services' one rule
(``services.visible_clause``): nobody sees, or has counted for them, a consultation they may
not see.

**How activity is counted.** A consultation counts when it ran at some point in the last 12
months (it started on or before today, and closed no earlier than a year ago, or has not
closed). It is shared among the wards it covers:

- tagged with a ward, or a neighbourhood or small area inside a ward: it covers that ward;
- tagged with a town or the borough: it covers every ward inside it, **proportionally**: each
  ward gets a share of the consultation in proportion to its population (equal shares when
  a ward has no population figure), so the shares of one consultation add up to one.

So a borough-wide survey adds the same amount per 1,000 residents to every ward, and a
consultation held in one ward adds all of its weight there. "Consultations reaching the ward"
counts every consultation that covered the ward at all, fully, for people who want the
plain count. Responses are shared the same way, except where imported results give
figures by ward: then the ward's own base (the most people in the ward who answered any
question) is used. Consultations with no area are listed as not counted.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ..core import disclosure
from ..core.i18n import gettext
from ..extensions import db
from ..partnership.models import Area
from ..partnership.services import place_scope
from . import services
from .charts import Bar, Group, bar_chart
from .models import Consultation, ConsultationTag, ResultFigure, Segment
from ..core import clock

PLAN_STATUSES = ("planned", "open")


# ---- the forward plan --------------------------------------------------------------------

def parse_month(value: str | None, today: date) -> date:
    """"2026-11" → 1 November 2026; anything else → this month."""
    from ..core.params import to_month

    return to_month(value) or today.replace(day=1)


def shift_month(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


def plan(user, *, area_id: int | None = None, place=None, audience: str | None = None, today: date | None = None) -> list[Consultation]:
    """Planned and open consultations this person may see, soonest first. A place (a
    PlaceScope, or ``area_id``) follows the place rule: work in it, inside it, and town- or
    borough-wide work that covers it, so the plan shows everyone who may ask its people."""
    today = today or clock.today()
    if place is None and area_id:
        place = place_scope(area_id)
        if place is None:
            return []
    query = (
        select(Consultation)
        .where(services.visible_clause(user))
        .where(services.status_expression(today).in_(PLAN_STATUSES))
        .options(selectinload(Consultation.areas), selectinload(Consultation.tags), selectinload(Consultation.lead_organisation))
    )
    if place is not None:
        query = query.where(services.place_clause(place))
    if audience:
        query = query.where(Consultation.tags.any(and_(ConsultationTag.kind == "audience", ConsultationTag.value == audience)))
    start = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    return list(db.session.scalars(query.order_by(start.asc().nulls_last(), Consultation.title)))


@dataclass
class Day:
    day: date
    in_month: bool
    today: bool
    opens: list[Consultation] = field(default_factory=list)
    closes: list[Consultation] = field(default_factory=list)


@dataclass
class MonthCalendar:
    month: date
    weeks: list[list[Day]]
    running: list[Consultation]   # open at some point in the month
    undated: list[Consultation]   # planned with no start date yet

    @property
    def title(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def previous(self) -> date:
        return shift_month(self.month, -1)

    @property
    def next(self) -> date:
        return shift_month(self.month, 1)

    @property
    def empty(self) -> bool:
        return not self.running

    @property
    def busy_days(self) -> list[Day]:
        """Days of the month on which something opens or closes: the calendar as a list, for
        small screens where seven columns do not fit."""
        return [d for week in self.weeks for d in week if d.in_month and (d.opens or d.closes)]


def month_calendar(consultations: list[Consultation], month: date, today: date | None = None) -> MonthCalendar:
    today = today or clock.today()
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    opens: dict[date, list] = {}
    closes: dict[date, list] = {}
    running, undated = [], []
    for c in consultations:
        start, close = c.starts_on, c.closes_on
        if start is None:
            undated.append(c)
            continue
        if start <= last and (close is None or close >= month):
            running.append(c)
        opens.setdefault(start, []).append(c)
        if close:
            closes.setdefault(close, []).append(c)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append([Day(d, d.month == month.month, d == today, opens.get(d, []), closes.get(d, [])) for d in week])
    return MonthCalendar(month, weeks, running, undated)


# ---- activity by ward --------------------------------------------------------------------

@dataclass
class WardActivity:
    area_id: int
    name: str
    town: str
    population: int | None
    priority: bool
    reaching: int = 0
    share: float = 0.0
    responses: float = 0.0
    from_results: bool = False
    responses_counted: int = 0  # consultations reaching the ward whose number of responses is known
    # Hidden from this viewer: a small number of people (engage/core/disclosure.py), or a
    # ward whose results are hidden so that a small group cannot be worked out.
    suppressed: bool = False
    # Some of its responses come from consultations this viewer may not edit.
    others: bool = False

    @property
    def consultations_per_1000(self) -> float | None:
        return 1000.0 * self.share / self.population if self.population else None

    @property
    def responses_known(self) -> bool:
        """False when consultations reached the ward but none of them has a number of
        responses: then the ward's responses are not known (not zero)."""
        return self.reaching == 0 or self.responses_counted > 0

    @property
    def responses_shown(self) -> float | None:
        return self.responses if self.responses_known and not self.suppressed else None

    @property
    def responses_per_1000(self) -> float | None:
        if not self.population or not self.responses_known or self.suppressed:
            return None
        return 1000.0 * self.responses / self.population


@dataclass
class ActivityReport:
    wards: list[WardActivity]
    since: date
    until: date
    counted: list[Consultation]
    no_area: list[Consultation]
    no_responses: list[Consultation]
    place: object = None                                            # the PlaceScope filtered by, if any
    in_place: list = field(default_factory=list)                    # (consultation, label) reaching the place

    @property
    def has_priority(self) -> bool:
        return any(w.priority for w in self.wards)


def _tree():
    rows = db.session.execute(select(Area.id, Area.name, Area.level, Area.parent_id, Area.population, Area.priority_ward)).all()
    areas = {r.id: r for r in rows}
    children: dict[int, list[int]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r.id)
    return areas, children


def _wards_covered(area_ids, areas, children) -> set[int]:
    out: set[int] = set()
    for area_id in area_ids:
        area = areas.get(area_id)
        if area is None:
            continue
        if area.level == "ward":
            out.add(area.id)
            continue
        # Inside a ward: climb to it.
        node, steps = area, 0
        while node is not None and node.level != "ward" and steps < 10:
            node = areas.get(node.parent_id)
            steps += 1
        if node is not None and node.level == "ward":
            out.add(node.id)
            continue
        # Above wards: every ward in the subtree.
        stack = [area.id]
        while stack:
            current = stack.pop()
            for child in children.get(current, []):
                if areas[child].level == "ward":
                    out.add(child)
                else:
                    stack.append(child)
    return out


def _shares(ward_ids: set[int], areas) -> dict[int, float]:
    if not ward_ids:
        return {}
    populations = {w: areas[w].population for w in ward_ids}
    if all(p for p in populations.values()):
        total = float(sum(populations.values()))
        return {w: p / total for w, p in populations.items()}
    return {w: 1.0 / len(ward_ids) for w in ward_ids}


def ward_activity(user, *, today: date | None = None, area_id: int | None = None, place=None, order: str = "name") -> ActivityReport:
    """Activity by ward. A place (a PlaceScope, or ``area_id``) keeps the wards it takes in
    under the place rule (the wards inside it, or the ward it is part of) and lists the
    consultations that reached it, with town- and borough-wide ones labelled."""
    today = today or clock.today()
    if place is None and area_id:
        place = place_scope(area_id)
    since = today - timedelta(days=365)
    areas, children = _tree()
    wards: dict[int, WardActivity] = {}
    for area in areas.values():
        if area.level != "ward":
            continue
        town = areas.get(area.parent_id)
        wards[area.id] = WardActivity(area.id, area.name, town.name if town else "", area.population, bool(area.priority_ward))

    start = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    close = func.coalesce(Consultation.actual_close, Consultation.planned_close)
    consultations = db.session.scalars(
        select(Consultation).where(services.visible_clause(user))
        .where(start.is_not(None), start <= today)
        .where((close.is_(None)) | (close >= since))
        .options(selectinload(Consultation.areas))
        .order_by(start.desc(), Consultation.id)
    ).all()
    ids = [c.id for c in consultations]
    by_ward_results: dict[int, dict[int, int]] = {}
    hidden_wards: dict[int, set[int]] = {}
    if ids:
        rows = db.session.execute(
            select(Segment.consultation_id, Segment.id, Segment.dimension, Segment.label, Segment.area_id,
                   func.max(ResultFigure.base))
            .join(ResultFigure, ResultFigure.segment_id == Segment.id)
            .where(Segment.consultation_id.in_(ids))
            .group_by(Segment.consultation_id, Segment.id, Segment.dimension, Segment.label, Segment.area_id)
        ).all()
        groups: dict[int, list[dict]] = {}
        for cid, seg_id, dimension, label, ward_id, base in rows:
            if dimension == "ward" and ward_id is not None:
                by_ward_results.setdefault(cid, {})[ward_id] = base or 0
            area = areas.get(ward_id) if ward_id is not None else None
            groups.setdefault(cid, []).append({"key": seg_id, "dimension": dimension, "label": label, "base": base or 0,
                                               "ward": ward_id if dimension == "ward" else None,
                                               "priority": bool(area and area.priority_ward)})
        # Wards whose number of respondents the source of the figures hid (a survey published
        # into the consultation: ResultFigure.disclosure) stay hidden here too.
        withheld = set(db.session.scalars(
            select(ResultFigure.segment_id).join(Segment, Segment.id == ResultFigure.segment_id)
            .where(Segment.consultation_id.in_(ids), Segment.dimension == "ward",
                   ResultFigure.disclosure.in_(("count-only", "hidden"))).distinct()))
        limit = disclosure.threshold()
        for cid, segs in groups.items():
            # The same rule as the results pages: a ward hidden there is hidden here.
            hidden = disclosure.suppress({g["key"]: g["base"] for g in segs}, disclosure.families_for_segments(segs), limit)
            hidden_wards[cid] = {g["ward"] for g in segs if (g["key"] in hidden or g["key"] in withheld) and g["ward"] is not None}

    counted, no_area, no_responses = [], [], []
    for c in consultations:
        covered = _wards_covered([a.id for a in c.areas], areas, children) & set(wards)
        if not covered:
            no_area.append(c)
            continue
        counted.append(c)
        shares = _shares(covered, areas)
        for ward_id, share in shares.items():
            wards[ward_id].reaching += 1
            wards[ward_id].share += share
        # Bases from imported results count only once the results are out (or for their editors):
        # before that, a ward's number of respondents is not for everyone to see.
        editor = services.can_edit(user, c)
        may_use = services.results_published(c, today) or editor
        results = {w: n for w, n in by_ward_results.get(c.id, {}).items() if w in wards} if may_use else {}
        if not editor:
            for ward_id in shares:
                wards[ward_id].others = True
        if results:
            for ward_id, n in results.items():
                wards[ward_id].responses += n
                wards[ward_id].from_results = True
                wards[ward_id].responses_counted += 1
                if not editor and ward_id in hidden_wards.get(c.id, set()):
                    wards[ward_id].suppressed = True
        elif c.responses is not None:
            for ward_id, share in shares.items():
                wards[ward_id].responses += c.responses * share
                wards[ward_id].responses_counted += 1
        else:
            no_responses.append(c)

    rows = list(wards.values())
    # A ward's total of responses under the threshold is a small number too (unless every
    # consultation in it is one this viewer may edit, and so sees in full anyway).
    limit = disclosure.threshold()
    for ward in rows:
        if ward.others and ward.responses_known and 0 < ward.responses < limit:
            ward.suppressed = True
    in_place = []
    if place is not None:
        rows = [w for w in rows if w.area_id in place.ids]
        in_place = [(c, place.label_for(a.id for a in c.areas)) for c in counted if place.matches(a.id for a in c.areas)]
    elif area_id:
        rows = []
    if order == "consultations":
        rows.sort(key=lambda w: (-(w.consultations_per_1000 or 0), w.name))
    elif order == "responses":
        rows.sort(key=lambda w: (-(w.responses_per_1000 or 0), w.name))
    else:
        rows.sort(key=lambda w: (w.town, w.name))
    return ActivityReport(rows, since, today, counted, no_area, no_responses, place, in_place)


def activity_chart(report: ActivityReport, measure: str):
    """Bars per ward, priority wards in their own colour and named as such. Each chart shows a
    column of the table with the same words and the same figures: "consultations" is the
    number of consultations reaching the ward; "responses" is responses per 1,000 residents,
    "not known" where no consultation reaching the ward has a number of responses."""
    # Whole sentences from the catalogue, in the reader's language (never pieces joined).
    if measure == "consultations":
        values = [(w, float(w.reaching)) for w in report.wards]
        title, axis = gettext("Consultations reaching each ward"), gettext("Consultations reaching the ward")
        description = (gettext("Bar chart of consultations reaching the ward over the last 12 months, with priority wards "
                               "in a different colour and labelled. The table that follows gives the same figures.")
                       if report.has_priority else
                       gettext("Bar chart of consultations reaching the ward over the last 12 months. The table that "
                               "follows gives the same figures."))

        def text(value):
            return f"{int(value):,}"
    else:
        values = [(w, w.responses_per_1000) for w in report.wards]
        title, axis = gettext("Responses per 1,000 residents by ward"), gettext("Responses per 1,000 residents")
        description = (gettext("Bar chart of responses per 1,000 residents over the last 12 months, with priority wards "
                               "in a different colour and labelled. The table that follows gives the same figures.")
                       if report.has_priority else
                       gettext("Bar chart of responses per 1,000 residents over the last 12 months. The table that "
                               "follows gives the same figures."))

        def text(value):
            return gettext("not known") if value is None else f"{value:,.1f}"
    top = max((v for _, v in values if v is not None), default=0.0)
    groups = []
    for ward, value in values:
        label = gettext("%(ward)s (priority ward)", ward=ward.name) if ward.priority else ward.name
        shown = gettext("hidden: too few people to show") if measure != "consultations" and ward.suppressed else text(value)
        groups.append(Group(label, [Bar(value, "bar--priority" if ward.priority else "bar", shown)]))
    legend = [(gettext("Priority ward"), "bar--priority"), (gettext("Other ward"), "bar")] if report.has_priority else None
    return bar_chart(f"activity-{measure}", title, description, groups,
                     legend=legend, scale_max=top * 1.1 if top else 1.0, axis_label=axis)
