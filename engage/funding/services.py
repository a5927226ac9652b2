"""Funding programmes, their allocations and taper, funded projects, spend against allocation
and exit strategies. Money is whole pence throughout.

A project's money for a year is a line of the partnership's one budget (engage/strategy/budget.py,
book ``"funding"``): the same quarterly figures (spend to date, budget to date, year-end
estimate) and the same arithmetic (``BudgetRow``) serve both. What this module adds is the
programme above the lines: a year's lines together may never come to more than the year's
allocation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from ..accounts.roles import OFFICER
from ..core.audit import record
from ..core.errors import RuleError
from ..core.i18n import N_, gettext
from ..core.sanitise import clean_text
from ..extensions import db
from ..strategy import budget
from ..strategy.budget import BudgetRow, percent, to_pence, year_label
from ..strategy.models import BudgetLine
from .models import ALLOCATION_STATUSES, FundedProject, FundingAllocation, FundingProgramme, ProjectYear

BOOK = "funding"

__all__ = ["year_label", "percent", "to_pence"]


def is_officer(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role(OFFICER))


def is_partner(user) -> bool:
    """Anyone signed in works for a partner organisation (residents need no account)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "role", None))


def _require_officer(actor) -> None:
    if not is_officer(actor):
        raise RuleError(gettext("Only a partnership officer can change funding programmes and projects."))


def programmes() -> list[FundingProgramme]:
    return db.session.scalars(select(FundingProgramme).order_by(FundingProgramme.name)).all()


# ---- allocations and the taper -----------------------------------------------------------

@dataclass
class TaperRow:
    year: int
    amount: int                 # pence; 0 for a year after the programme is assumed to end
    status: str                 # confirmed | indicative | ended
    change: int | None = None   # pence against the year before
    change_percent: int | None = None

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def status_label(self) -> str:
        return {"ended": N_("Assumed to have ended"), **ALLOCATION_STATUSES}.get(self.status, self.status)


def taper(programme: FundingProgramme) -> list[TaperRow]:
    """Each year's allocation with its change on the year before; a programme assumed to end
    shows the year after its last as nothing, so the drop is in the table."""
    rows: list[TaperRow] = []
    for a in programme.allocations:
        rows.append(TaperRow(a.year, a.amount, a.status))
    if programme.last_year is not None and rows and rows[-1].year <= programme.last_year:
        rows.append(TaperRow(programme.last_year + 1, 0, "ended"))
    for before, row in zip(rows, rows[1:]):
        if row.year == before.year + 1:
            row.change = row.amount - before.amount
            row.change_percent = percent(row.change, before.amount)
    return rows


def save_allocation(actor, programme: FundingProgramme, year, amount_pounds, status: str) -> FundingAllocation:
    _require_officer(actor)
    if year is None or not 1990 <= int(year) <= 2200:
        raise RuleError(gettext("Enter the year the financial year starts in, like 2006 for 2006/07"), "year")
    pence = to_pence(amount_pounds)
    if pence is None or pence < 0:
        raise RuleError(gettext("Enter the allocation in pounds, 0 or more"), "amount")
    if status not in ALLOCATION_STATUSES:
        raise RuleError(gettext("Select whether the allocation is confirmed or indicative"), "status")
    year = int(year)
    given = allocated(programme, year)
    if pence < given:
        raise RuleError(gettext("Projects already have %(given)s of %(year)s: the allocation cannot be less than that",
                                given=budget_money(given), year=year_label(year)), "amount")
    found = programme.allocation_for(year)
    if found is None:
        found = FundingAllocation(programme=programme, year=year, amount=pence, status=status)
        db.session.add(found)
        action = "create"
    else:
        found.amount, found.status = pence, status
        action = "update"
    db.session.flush()
    record(actor, action, programme, f"{programme.name}: {year_label(year)} allocation {budget_money(pence)} ({ALLOCATION_STATUSES[status].lower()})",
           {"year": year, "amount": pence, "status": status})
    db.session.flush()
    return found


def budget_money(pence: int) -> str:
    from ..strategy.common import money

    return money(pence)


# ---- projects and their money ------------------------------------------------------------

def allocated(programme: FundingProgramme, year: int, leaving_out: ProjectYear | None = None) -> int:
    """Pence given to the programme's projects for ``year``."""
    q = (select(db.func.coalesce(db.func.sum(BudgetLine.annual_budget), 0)).select_from(ProjectYear)
         .join(BudgetLine, ProjectYear.line_id == BudgetLine.id).join(FundedProject, ProjectYear.project_id == FundedProject.id)
         .where(FundedProject.programme_id == programme.id, ProjectYear.year == year))
    if leaving_out is not None and leaving_out.id is not None:
        q = q.where(ProjectYear.id != leaving_out.id)
    return int(db.session.scalar(q) or 0)


def save_project(actor, project: FundedProject | None, data: dict, loaded_version=None) -> FundedProject:
    from ..core import concurrency

    _require_officer(actor)
    name = clean_text(data.get("name"), 200)
    if not name:
        raise RuleError(gettext("Enter the project's name"), "name")
    if not data.get("partnership_id"):
        raise RuleError(gettext("Select the thematic partnership the project belongs to"), "partnership_id")
    if project is None:
        programme = db.session.get(FundingProgramme, data.get("programme_id") or 0)
        if programme is None:
            raise RuleError(gettext("Select the funding programme"), "programme_id")
        project = FundedProject(programme=programme)
        db.session.add(project)
        action = "create"
    else:
        concurrency.check(project, loaded_version)
        action = "update"
    project.name = name
    project.partnership_id = data["partnership_id"]
    project.organisation_id = data.get("organisation_id") or None
    project.summary = clean_text(data.get("summary"), 5000)
    project.exit_strategy = clean_text(data.get("exit_strategy"), 5000)
    db.session.flush()
    record(actor, action, project, f"{'Added' if action == 'create' else 'Changed'} the funded project “{name}”")
    concurrency.flush(project)
    return project


def set_funding(actor, project: FundedProject, year, amount_pounds) -> ProjectYear:
    """Gives ``project`` ``amount_pounds`` of its programme's ``year``; refuses (saying how much
    is left) when the year's projects would together get more than the year's allocation."""
    _require_officer(actor)
    if year is None or not 1990 <= int(year) <= 2200:
        raise RuleError(gettext("Enter the year the financial year starts in, like 2006 for 2006/07"), "year")
    year = int(year)
    pence = to_pence(amount_pounds)
    if pence is None or pence < 0:
        raise RuleError(gettext("Enter the amount in pounds, 0 or more"), "amount")
    programme = project.programme
    allocation = programme.allocation_for(year)
    if allocation is None:
        raise RuleError(gettext("%(programme)s has no allocation for %(year)s", programme=programme.name, year=year_label(year)), "year")
    existing = next((y for y in project.years if y.year == year), None)
    others = allocated(programme, year, leaving_out=existing)
    if others + pence > allocation.amount:
        left = max(allocation.amount - others, 0)
        raise RuleError(gettext("That is %(over)s more than is left: %(programme)s has %(allocation)s for %(year)s, "
                                "%(given)s is already given to projects, so %(left)s is left.",
                                over=budget_money(others + pence - allocation.amount), programme=programme.name,
                                allocation=budget_money(allocation.amount), year=year_label(year),
                                given=budget_money(others), left=budget_money(left)), "amount")
    data = {"item": _line_item(project), "year": year, "annual_budget": Decimal(pence) / 100,
            "partnership_id": project.partnership_id, "book": BOOK}
    if existing is None:
        line = budget.save_line(actor, None, data)
        existing = ProjectYear(project=project, year=year, line=line)
        db.session.add(existing)
    else:
        budget.save_line(actor, existing.line, data)
        existing.line.annual_budget = pence
    db.session.flush()
    return existing


def _line_item(project: FundedProject) -> str:
    """The budget line's name: the project, with its programme so two programmes' projects of
    the same name stay two lines."""
    return f"{project.name} ({project.programme.name})"[:200]


def save_spend(actor, project_year: ProjectYear, quarter: int, data: dict):
    """A quarter's spend figures for a project's year: the budget's own figures."""
    return budget.save_figures(actor, project_year.line, quarter, data)


# ---- spend against allocation ----------------------------------------------------------

def project_row(project_year: ProjectYear) -> BudgetRow:
    line = project_year.line
    quarter = max((f.quarter for f in line.figures), default=None)
    if quarter is None:
        return BudgetRow(line.item, 0, 0, line.annual_budget, line.annual_budget, line, has_figures=False)
    f = line.figures_for(quarter)
    return BudgetRow(line.item, f.spend_to_date, f.budget_to_date, f.year_end_estimate, line.annual_budget, line)


@dataclass
class PartnershipSpend:
    partnership: object
    allocated: int = 0
    spent: int = 0
    estimate: int = 0
    projects: int = 0

    @property
    def percent_spent(self) -> int | None:
        return percent(self.spent, self.allocated)


@dataclass
class YearSpend:
    year: int
    allocation: int
    status: str
    allocated: int = 0
    spent: int = 0
    estimate: int = 0
    partnerships: list[PartnershipSpend] = field(default_factory=list)

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def unallocated(self) -> int:
        return self.allocation - self.allocated

    @property
    def percent_allocated(self) -> int | None:
        return percent(self.allocated, self.allocation)

    @property
    def percent_spent(self) -> int | None:
        return percent(self.spent, self.allocation)


def spend(programme: FundingProgramme) -> list[YearSpend]:
    """For each allocated year: the allocation, what is given to projects, spent to date and
    the year-end estimate (latest quarter each project has figures for), per partnership."""
    out = []
    for a in programme.allocations:
        ys = YearSpend(a.year, a.amount, a.status)
        by_partnership: dict[int, PartnershipSpend] = {}
        for project in programme.projects:
            for py in project.years:
                if py.year != a.year:
                    continue
                row = project_row(py)
                ps = by_partnership.setdefault(project.partnership_id, PartnershipSpend(project.partnership))
                ps.allocated += row.annual_budget
                ps.spent += row.spend_to_date
                ps.estimate += row.year_end_estimate
                ps.projects += 1
        ys.partnerships = sorted(by_partnership.values(), key=lambda p: p.partnership.name)
        ys.allocated = sum(p.allocated for p in ys.partnerships)
        ys.spent = sum(p.spent for p in ys.partnerships)
        ys.estimate = sum(p.estimate for p in ys.partnerships)
        out.append(ys)
    return out


# ---- exit strategies -------------------------------------------------------------------

@dataclass
class ProjectView:
    project: FundedProject
    amounts: dict            # year -> pence
    last_year: int | None
    ends: bool               # its money stops (a last year before the programme's, or the programme ends)
    flagged: bool            # ends without an exit strategy

    @property
    def years_text(self) -> str:
        years = sorted(self.amounts)
        if not years:
            return gettext("No money given yet")
        if len(years) == 1:
            return year_label(years[0])
        return gettext("%(first)s to %(last)s", first=year_label(years[0]), last=year_label(years[-1]))


def project_view(project: FundedProject) -> ProjectView:
    amounts = {py.year: py.line.annual_budget for py in project.years}
    funded = [y for y, amount in amounts.items() if amount > 0]
    last = max(funded) if funded else None
    programme = project.programme
    last_allocated = max((a.year for a in programme.allocations), default=None)
    ends = last is not None and (programme.last_year is not None or (last_allocated is not None and last < last_allocated))
    return ProjectView(project, amounts, last, ends, ends and not project.exit_strategy.strip())


def project_views(programme: FundingProgramme) -> list[ProjectView]:
    return [project_view(p) for p in sorted(programme.projects, key=lambda p: (p.partnership.name, p.name))]
