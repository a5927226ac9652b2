"""The quarterly board report, in the shape of the partnership's own board papers: the work
programme by theme with progress, and spend against budget with variances. Built from the
plan and the budget lines as they stood at the quarter's end; shown as a printable page and
given as a Word document (python-docx) for the board papers."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell
from sqlalchemy import select

from ..core.i18n import N_, gettext
from ..core.templating import format_date
from ..extensions import db
from . import budget, plan
from .common import money
from .models import BudgetFigures, BudgetLine, PlanAction, PlanTheme

# The budget table's headings, as the page's (templates/strategy/_budget_table.html) words them.
BUDGET_HEADINGS = [N_("Item"), N_("Spend to date"), N_("Budget to date"), N_("Spend as %% of budget to date"),
                   N_("Year-end estimate"), N_("Budget for the year"), N_("Estimate as %% of the year's budget"),
                   N_("Under (−) or over spend")]


@dataclass
class ProgrammeRow:
    action: PlanAction
    status: str
    status_label: str
    progress: str
    progress_on: date | None


@dataclass
class ProgrammeTheme:
    theme: PlanTheme
    rows: list[ProgrammeRow]


@dataclass
class BoardReport:
    year: int
    quarter: int
    as_at: date
    budget: budget.BudgetTable
    programme: list[ProgrammeTheme]
    status_counts: dict[str, int]

    @property
    def title(self) -> str:
        return gettext("Central partnership activity report – Quarter %(quarter)s %(year)s", quarter=self.quarter,
                       year=budget.year_label(self.year))

    @property
    def period(self) -> str:
        return f"{gettext(budget.QUARTER_NAMES[self.quarter])} {self.period_year}"

    @property
    def period_year(self) -> int:
        """The calendar year the quarter falls in (the page builds its sentences from it)."""
        return self.as_at.year if self.quarter == 4 else self.year

    @property
    def filename(self) -> str:
        return f"board-report-{self.year}-{(self.year + 1) % 100:02d}-q{self.quarter}.docx"


def available() -> list[tuple[int, int]]:
    """(year, quarter) pairs that have budget figures, newest first."""
    rows = db.session.execute(select(BudgetLine.year, BudgetFigures.quarter).join(BudgetFigures)
                              .where(BudgetLine.book == budget.ACTIVITY).distinct()).all()
    return sorted({(y, q) for y, q in rows}, reverse=True)


def build(year: int, quarter: int) -> BoardReport:
    as_at = budget.quarter_end(year, quarter)
    groups = []
    counts = {k: 0 for k in plan.ACTION_STATUSES}
    for theme, actions in plan.grouped(plan.actions()):
        rows = []
        for action in actions:
            status = plan.status_of(action, as_at)
            note = plan.note_as_at(action, as_at)
            counts[status] += 1
            rows.append(ProgrammeRow(action, status, plan.status_label(status), note.note if note else "", note.noted_on if note else None))
        groups.append(ProgrammeTheme(theme, rows))
    return BoardReport(year, quarter, as_at, budget.table(year, quarter), groups, counts)


def percent_text(value: int | None) -> str:
    return gettext("no budget") if value is None else f"{value}%"


def budget_cells(row: budget.BudgetRow) -> list[str]:
    return [row.item, money(row.spend_to_date), money(row.budget_to_date), percent_text(row.percent_to_date),
            money(row.year_end_estimate), money(row.annual_budget), percent_text(row.percent_of_year), money(row.variance)]


def _table(doc, headings: list[str], rows: list[list[str]], bold_last: bool = False, widths: list[float] | None = None):
    """A grid table. Cells are reached through each row's own XML (``Row.cells`` walks the
    whole table every time, which makes long tables slow)."""
    table = doc.add_table(rows=len(rows) + 1, cols=len(headings))
    table.style = "Table Grid"
    for index, (tr, values) in enumerate(zip(table._tbl.tr_lst, [headings, *rows])):
        bold = index == 0 or (bold_last and index == len(rows))
        for column, (tc, text) in enumerate(zip(tr.tc_lst, values)):
            cell = _Cell(tc, table)
            cell.paragraphs[0].add_run(text).bold = bold
            if widths:
                cell.width = Cm(widths[column])
    return table


# The document helpers other board papers reuse (engage/performance's exception report).
grid_table = _table


def landscape_document(title: str, author: str):
    """A landscape A4 Word document with the board papers' margins and type size."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = title
    doc.core_properties.author = author
    return doc


def to_docx(report: BoardReport, partnership_name: str) -> bytes:
    """The report as a Word document, in the language being written (the caller chooses the
    site's own: the board's papers are never half in one language), worded as the page is."""
    doc = landscape_document(report.title, partnership_name)
    doc.add_paragraph(partnership_name).alignment = WD_ALIGN_PARAGRAPH.LEFT
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(gettext("Progress and spend for %(months)s %(year)s, as at %(date)s.",
                              months=gettext(budget.QUARTER_NAMES[report.quarter]), year=report.period_year,
                              date=format_date(report.as_at)))

    doc.add_heading(gettext("Spend against budget"), level=1)
    rows = [budget_cells(r) for r in report.budget.rows] + [budget_cells(report.budget.total)]
    _table(doc, [gettext(h) % {} for h in BUDGET_HEADINGS], rows, bold_last=True, widths=[5.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.8])
    over = [r.item for r in report.budget.rows if r.overspend]
    if over:
        doc.add_paragraph(gettext("Expected to overspend by the end of the year:") + " " + ", ".join(over) + ".")
    if report.budget.missing:
        doc.add_paragraph(gettext("No figures were entered for this quarter for: %(items)s. They are shown as nothing spent, "
                                  "with the year-end estimate equal to the budget.", items=", ".join(report.budget.missing)))

    doc.add_heading(gettext("Work programme progress"), level=1)
    summary = "; ".join(gettext("%(status)s: %(count)s", status=gettext(plan.status_label(k)), count=n)
                        for k, n in report.status_counts.items() if n)
    doc.add_paragraph(gettext("Actions at the end of the quarter:") + " " + (summary + "." if summary else gettext("none")))
    for group in report.programme:
        doc.add_heading(group.theme.name, level=2)
        if group.theme.purpose:
            doc.add_paragraph(gettext("Purpose:") + " " + group.theme.purpose)
        rows = []
        for r in group.rows:
            progress = r.progress + (f" ({format_date(r.progress_on)})" if r.progress_on else "")
            purpose = r.action.purpose if r.action.purpose else ""
            rows.append([r.action.activity + (f"\n{purpose}" if purpose else ""), r.action.timescale or "",
                         gettext(r.status_label), progress or gettext("No progress reported yet")])
        _table(doc, [gettext("Activity"), gettext("Timescale"), gettext("Status"), gettext("Progress")], rows,
               widths=[8, 3, 2.5, 10])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
