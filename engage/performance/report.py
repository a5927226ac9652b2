"""The exception report for the board (seed 004's table: November, February or March, and
May): only the targets that are off track, late, or at a stage of the ladder, each with what
is being done; the plan's actions that are late; and the stages that closed. Built for a
chosen monitoring period from the readings and the stored stages as they stood then; shown
as a page and given as a Word document, in the shape of the quarterly board report (its
document helpers, engage/strategy/board_report.py)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from ..core.i18n import gettext
from ..strategy import plan
from ..strategy.board_report import grid_table, landscape_document
from . import ladder, services
from .models import LadderStage, MonitoringPeriod


def when(day: date | None) -> str:
    """A day in the language being written (Babel's month names)."""
    from ..core.templating import format_date

    return format_date(day) if day else ""


def figure(value, unit: str) -> str:
    if value is None:
        return gettext("none")
    text = f"{value:g}"
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


@dataclass
class Item:
    indicator: object
    point: ladder.Point | None
    stage: LadderStage | None
    problems: list[str] = field(default_factory=list)
    doing: str = ""
    who: str = ""
    report_by: date | None = None

    @property
    def partnership(self) -> str:
        found = services.partnership_of(self.indicator)
        return found.name if found else ""


@dataclass
class ExceptionReport:
    period: MonitoringPeriod
    review: MonitoringPeriod | None
    items: list[Item]
    late_actions: list[tuple]
    closed: list[LadderStage]
    targets: int

    @property
    def title(self) -> str:
        from ..core.templating import format_date

        return gettext("Exception report to the board, %(month)s", month=format_date(self.period.reports_on, "month"))

    @property
    def filename(self) -> str:
        return f"exception-report-{self.period.reports_on:%Y-%m}.docx"

    @property
    def fine(self) -> int:
        return self.targets - len(self.items)


def _stage_then(indicator, period: MonitoringPeriod) -> LadderStage | None:
    """The highest stage open at the end of ``period`` (started by then, not ended by then)."""
    found = None
    for stage in services.stages_of(indicator):
        if stage.state == "withdrawn" or stage.started_period.ends_on > period.ends_on:
            continue
        if stage.ended_period is not None and stage.ended_period.ends_on <= period.ends_on:
            continue
        if found is None or stage.stage > found.stage:
            found = stage
    return found


def build(period: MonitoringPeriod) -> ExceptionReport:
    reviews = [p for p in services.periods("six-monthly") if p.ends_on <= period.ends_on]
    review = reviews[-1] if reviews else None
    items, closed = [], []
    all_targets = services.targets()
    for indicator in all_targets:
        points = ladder.series(indicator, reviews, services.annual_only(indicator), services.manual_starts(indicator, reviews)) if reviews else []
        point = points[-1] if points else None
        stage = _stage_then(indicator, period)
        item = Item(indicator, point, stage)
        unit = indicator.unit
        if point is not None and point.position == ladder.BELOW:
            # Whole sentences in the language being written (the page's reader's; the Word
            # document's is the site's own).
            item.problems.append(gettext("Off track: %(figure)s for %(review)s, against a monitoring level of %(level)s.",
                                         figure=figure(point.value, unit), review=review.name, level=figure(point.level, unit)))
        if point is not None and point.position == ladder.NO_DATA and not point.annual:
            item.problems.append(gettext("Late: no figure was reported for %(review)s.", review=review.name))
        if stage is not None:
            if stage.by_hand:
                item.problems.append(gettext("At stage %(number)s of the ladder since %(period)s (started by the PSG).",
                                             number=stage.stage, period=stage.started_period.name))
            else:
                item.problems.append(gettext("At stage %(number)s of the ladder since %(period)s (worked out from the figures).",
                                             number=stage.stage, period=stage.started_period.name))
            if stage.report_back_on < period.reports_on and (stage.reported_on is None or stage.reported_on > stage.report_back_on):
                item.problems.append(gettext("Late: the report to the %(group)s was due by %(date)s.",
                                             group=stage.reports_to, date=when(stage.report_back_on)))
            item.doing = stage.plan or gettext("No plan recorded yet. %(asks)s", asks=gettext(stage.asks))
            if stage.report and stage.reported_on and stage.reported_on <= period.reports_on:
                item.doing += " " + gettext("Reported on %(date)s: %(report)s", date=when(stage.reported_on), report=stage.report)
            item.who, item.report_by = stage.owner_name, stage.report_back_on
        elif item.problems:
            if indicator.lead_organisation:
                item.who = indicator.lead_organisation.name
                item.doing = gettext("%(lead)s has been asked for the figure.", lead=item.who)
            else:
                item.who = gettext("The lead partner")
                item.doing = gettext("The lead partner has been asked for the figure.")
        if item.problems:
            items.append(item)
        for stage in services.stages_of(indicator):
            if stage.state == "closed" and stage.ended_period_id is not None and stage.ended_period_id == (review.id if review else None):
                closed.append(stage)
    items.sort(key=lambda i: (-(i.stage.stage if i.stage else 0), i.indicator.name))
    late = []
    for action in plan.actions(on=period.ends_on):
        if plan.status_of(action, period.ends_on) == "late":
            note = plan.note_as_at(action, period.ends_on)
            late.append((action, note))
    return ExceptionReport(period, review, items, late, closed, len(all_targets))


def to_docx(report: ExceptionReport, partnership_name: str) -> bytes:
    """The report as a Word document, in the language being written (the caller chooses the
    site's own), worded as the page is (templates/performance/exceptions.html)."""
    doc = landscape_document(report.title, partnership_name)
    doc.add_paragraph(partnership_name)
    doc.add_heading(report.title, level=0)
    lines = [gettext("This %(report)s lists only what needs the board's attention, as at %(date)s.",
                     report=gettext("exception report"), date=when(report.period.ends_on))]
    if report.review:
        lines.append(gettext("The figures are from the review of %(review)s.", review=report.review.name))
    lines.append(gettext("%(listed)s of %(total)s targets are listed. The other %(fine)s are on track, or have no figure due.",
                         listed=len(report.items), total=report.targets, fine=report.fine))
    doc.add_paragraph(" ".join(lines))
    doc.add_heading(gettext("Targets off track, late or at a stage of the ladder"), level=1)
    if report.items:
        rows = [[f"{i.indicator.name}\n{i.partnership}", " ".join(i.problems), i.doing, i.who,
                 when(i.report_by) if i.report_by else ""] for i in report.items]
        grid_table(doc, [gettext("Target"), gettext("What is wrong"), gettext("What is being done"), gettext("Who"),
                         gettext("Report back by")], rows, widths=[5, 6.5, 8, 3.5, 2.5])
    else:
        doc.add_paragraph(gettext("No target is off track, late or at a stage of the ladder."))
    doc.add_heading(gettext("Plan actions that are late"), level=1)
    if report.late_actions:
        rows = [[a.activity, a.partnership.name if a.partnership else "", when(a.due_on),
                 (n.note if n else gettext("No progress reported yet"))] for a, n in report.late_actions]
        grid_table(doc, [gettext("Action"), gettext("Partnership"), gettext("Was due"), gettext("Latest progress")], rows,
                   widths=[9, 4, 3, 9.5])
    else:
        doc.add_paragraph(gettext("No action in the plan is late."))
    if report.closed:
        doc.add_heading(gettext("Stages closed"), level=1)
        for stage in report.closed:
            doc.add_paragraph(gettext("%(target)s: stage %(number)s closed, back at or above the monitoring level.",
                                      target=stage.indicator.name, number=stage.stage), style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
