"""Budget arithmetic and budget lines. Percentages, variances and flags are always worked
out here from the stored figures (whole pence), never typed in.

The financial year runs April to March: ``year=2005`` is 2005/06, quarter 1 is April–June.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from ..core.audit import record
from ..core.i18n import N_
from ..core.sanitise import clean_text
from ..extensions import db
from .common import UNCHECKED, RuleError, check_version
from .models import BudgetFigures, BudgetLine

# Marked for the catalogue; translated where shown.
QUARTER_NAMES = {1: N_("April to June"), 2: N_("July to September"), 3: N_("October to December"), 4: N_("January to March")}


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def quarter_end(year: int, quarter: int) -> date:
    return {1: date(year, 6, 30), 2: date(year, 9, 30), 3: date(year, 12, 31), 4: date(year + 1, 3, 31)}[quarter]


def quarter_start(year: int, quarter: int) -> date:
    return {1: date(year, 4, 1), 2: date(year, 7, 1), 3: date(year, 10, 1), 4: date(year + 1, 1, 1)}[quarter]


def quarter_of(day: date) -> tuple[int, int]:
    """(financial year, quarter) of a date."""
    if day.month >= 4:
        return day.year, (day.month - 4) // 3 + 1
    return day.year - 1, 4


def percent(part: int, whole: int) -> int | None:
    """``part`` as a whole-number percentage of ``whole``, rounded half up (as a spreadsheet
    does). Nothing against a zero budget is 0%; something against a zero budget has no
    percentage (None), never a division error."""
    if whole == 0:
        return 0 if part == 0 else None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class BudgetRow:
    item: str
    spend_to_date: int
    budget_to_date: int
    year_end_estimate: int
    annual_budget: int
    line: BudgetLine | None = None
    has_figures: bool = True

    @property
    def percent_to_date(self) -> int | None:
        return percent(self.spend_to_date, self.budget_to_date)

    @property
    def percent_of_year(self) -> int | None:
        return percent(self.year_end_estimate, self.annual_budget)

    @property
    def variance(self) -> int:
        """Year-end estimate less the year's budget: above zero is an overspend."""
        return self.year_end_estimate - self.annual_budget

    @property
    def overspend(self) -> bool:
        return self.variance > 0

    @property
    def underspend(self) -> bool:
        return self.variance < 0

    @property
    def ahead_of_budget(self) -> bool:
        """Spent more so far than the budget profiled to date."""
        return self.spend_to_date > self.budget_to_date


@dataclass
class BudgetTable:
    year: int
    quarter: int
    rows: list[BudgetRow]

    @property
    def total(self) -> BudgetRow:
        return BudgetRow(N_("Total"), sum(r.spend_to_date for r in self.rows), sum(r.budget_to_date for r in self.rows),
                         sum(r.year_end_estimate for r in self.rows), sum(r.annual_budget for r in self.rows))

    @property
    def missing(self) -> list[str]:
        return [r.item for r in self.rows if not r.has_figures]


ACTIVITY = ""  # the partnership's own activity budget; engage/funding keeps its lines in "funding"


def lines_for(year: int, book: str = ACTIVITY) -> list[BudgetLine]:
    return db.session.scalars(select(BudgetLine).where(BudgetLine.year == year, BudgetLine.book == book)
                              .order_by(BudgetLine.position, BudgetLine.id)).all()


def years(book: str = ACTIVITY) -> list[int]:
    return list(db.session.scalars(select(BudgetLine.year).where(BudgetLine.book == book).distinct().order_by(BudgetLine.year.desc())))


def latest_quarter(year: int, book: str = ACTIVITY) -> int | None:
    return db.session.scalar(select(db.func.max(BudgetFigures.quarter)).join(BudgetLine).where(BudgetLine.year == year, BudgetLine.book == book))


def table(year: int, quarter: int) -> BudgetTable:
    """Every line of the year as it stood at the end of ``quarter``. A line with no figures
    for the quarter counts as nothing spent and the estimate equal to its budget, and is
    listed in ``missing`` so the report can say so."""
    rows = []
    for line in lines_for(year):
        f = line.figures_for(quarter)
        if f is None:
            rows.append(BudgetRow(line.item, 0, 0, line.annual_budget, line.annual_budget, line, has_figures=False))
        else:
            rows.append(BudgetRow(line.item, f.spend_to_date, f.budget_to_date, f.year_end_estimate, line.annual_budget, line))
    return BudgetTable(year, quarter, rows)


def to_pence(value) -> int | None:
    """Pounds (a Decimal from a form, or a number) as whole pence."""
    if value is None:
        return None
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _require_officer(actor) -> None:
    from .documents import is_officer

    if not is_officer(actor):
        raise RuleError("Only a partnership officer can change the budget.")


def _same_book(line: BudgetLine | None, data: dict) -> None:
    """A funded project's line (book "funding") is changed on the project's page, where the
    programme's allocation is checked, never on the activity budget's pages."""
    if line is not None and line.book != (data.get("book") or ACTIVITY):
        raise RuleError("This line is a funded project's money for the year: change it on the project's page.")


def save_line(actor, line: BudgetLine | None, data: dict, loaded_version=UNCHECKED) -> BudgetLine:
    _require_officer(actor)
    _same_book(line, data)
    item = clean_text(data.get("item"), 200)
    year = data.get("year")
    annual = to_pence(data.get("annual_budget"))
    if not item:
        raise RuleError("Enter what the budget line is for", "item")
    if year is None or not 1990 <= int(year) <= 2200:
        raise RuleError("Enter the year the financial year starts in, like 2005 for 2005/06", "year")
    if annual is None or annual < 0:
        raise RuleError("Enter the year's budget in pounds, 0 or more", "annual_budget")
    clash = db.session.scalar(select(BudgetLine).where(BudgetLine.year == year, BudgetLine.item == item))
    if clash is not None and clash is not line:
        raise RuleError(f"{year_label(year)} already has a line called “{item}”", "item")
    if line is None:
        book = data.get("book") or ACTIVITY
        line = BudgetLine(book=book, position=max((x.position for x in lines_for(year, book)), default=0) + 1)
        db.session.add(line)
        action = "create"
    else:
        check_version(line, loaded_version, {"item": "Item", "annual_budget": "Budget (pence)"}, {"item": item, "annual_budget": annual})
        action = "update"
    line.item, line.year, line.annual_budget = item, int(year), annual
    line.partnership_id = data.get("partnership_id")
    if data.get("position") is not None:
        line.position = data["position"]
    record(actor, action, line, f"{'Added' if action == 'create' else 'Changed'} the budget line “{item}” ({year_label(line.year)})")
    db.session.flush()
    return line


def save_figures(actor, line: BudgetLine, quarter: int, data: dict) -> BudgetFigures:
    _require_officer(actor)
    if quarter not in QUARTER_NAMES:
        raise RuleError("Select a quarter from 1 to 4", "quarter")
    values = {}
    for name, label in (("spend_to_date", "Spend to date"), ("budget_to_date", "Budget to date"), ("year_end_estimate", "Year-end estimate")):
        pence = to_pence(data.get(name))
        if pence is None:
            raise RuleError(f"Enter the {label.lower()} in pounds (0 if none)", name)
        if pence < 0:
            raise RuleError(f"{label} cannot be less than 0", name)
        values[name] = pence
    figures = line.figures_for(quarter)
    if figures is None:
        figures = BudgetFigures(line=line, quarter=quarter)
        db.session.add(figures)
    for name, value in values.items():
        setattr(figures, name, value)
    db.session.flush()
    record(actor, "update", line, f"Figures for quarter {quarter} of {year_label(line.year)} on “{line.item}”", {"quarter": quarter, **values})
    db.session.flush()
    return figures


def delete_line(actor, line: BudgetLine) -> int:
    """Deletes the line with its quarterly figures (the confirm page says so). Returns how
    many quarters of figures went with it."""
    _require_officer(actor)
    _same_book(line, {})
    from .documents import _delete

    count = len(line.figures)
    _delete(actor, line, f"Deleted the budget line “{line.item}” ({year_label(line.year)})")
    return count
