"""Budget arithmetic (percentages, variance, over and under spend, zero budgets), budget
lines and their figures, and the quarterly board report against seed 002."""
from __future__ import annotations

import io
from datetime import date
import re
from html import unescape

import pytest
from docx import Document

from engage.extensions import db
from engage.strategy import board_report, budget
from engage.strategy.budget import BudgetRow, percent
from engage.strategy.common import RuleError, money
from engage.strategy.models import BudgetFigures, BudgetLine

# Seed 002: "Central partnership activity report – Quarter 1 2005/06", every figure as printed.
SEED_002 = [
    ("Staffing", "£44,495", "£50,000", "89%", "£180,000", "£200,000", "90%", "-£20,000"),
    ("Printing", "£2,204", "£2,000", "110%", "£8,000", "£8,000", "100%", "£0"),
    ("Catering and hospitality", "£15,541", "£750", "2072%", "£20,000", "£3,000", "667%", "£17,000"),
    ("Communication and publications", "£2,931", "£3,750", "78%", "£11,724", "£15,000", "78%", "-£3,276"),
    ("Conferences", "£150", "£1,250", "12%", "£600", "£5,000", "12%", "-£4,400"),
    ("Training and development", "£3,500", "£2,500", "140%", "£14,000", "£10,000", "140%", "£4,000"),
    ("Research for Priorities Process", "£21,307", "£20,000", "107%", "£21,307", "£20,000", "107%", "£1,307"),
    ("Conference", "£0", "£0", "0%", "£9,000", "£9,000", "100%", "£0"),
    ("Support charges", "£0", "£0", "0%", "£15,000", "£15,000", "100%", "£0"),
    ("Specialist Strategic Partnerships", "£2,990", "£5,000", "60%", "£20,000", "£20,000", "100%", "£0"),
    ("Halton Festival", "£1,877", "£10,000", "19%", "£40,000", "£40,000", "100%", "£0"),
    ("Social enterprise development", "£0", "£15,000", "0%", "£0", "£60,000", "0%", "-£60,000"),
    ("Total", "£94,995", "£110,250", "86%", "£339,631", "£405,000", "84%", "-£65,369"),
]


# ---- arithmetic ----------------------------------------------------------------------------

def test_percent_rounds_half_up_like_the_board_paper():
    assert percent(44495, 50000) == 89          # 88.99
    assert percent(21307, 20000) == 107         # 106.535
    assert percent(20000, 3000) == 667          # 666.67
    assert percent(1, 200) == 1                 # 0.5 rounds up
    assert percent(15541, 750) == 2072


def test_zero_budgets_never_divide():
    assert percent(0, 0) == 0
    assert percent(500, 0) is None
    row = BudgetRow("New line", spend_to_date=500, budget_to_date=0, year_end_estimate=0, annual_budget=0)
    assert row.percent_to_date is None and row.percent_of_year == 0 and row.variance == 0
    assert board_report.percent_text(row.percent_to_date) == "no budget"


def test_variance_and_flags():
    over = BudgetRow("Catering", 15541_00, 750_00, 20000_00, 3000_00)
    under = BudgetRow("Staffing", 44495_00, 50000_00, 180000_00, 200000_00)
    level = BudgetRow("Printing", 2204_00, 2000_00, 8000_00, 8000_00)
    assert (over.variance, over.overspend, over.underspend, over.ahead_of_budget) == (17000_00, True, False, True)
    assert (under.variance, under.overspend, under.underspend, under.ahead_of_budget) == (-20000_00, False, True, False)
    assert (level.variance, level.overspend, level.underspend, level.ahead_of_budget) == (0, False, False, True)


def test_money_is_shown_in_pounds():
    assert money(4449500) == "£44,495"
    assert money(-327600) == "-£3,276"
    assert money(1050) == "£10.50"
    assert money(0) == "£0"


# ---- lines and figures ---------------------------------------------------------------------

def test_budget_lines_and_quarterly_figures(users):
    officer = users["officer"]
    line = budget.save_line(officer, None, {"year": 2007, "item": "Staffing", "annual_budget": 1000})
    budget.save_figures(officer, line, 1, {"spend_to_date": 200, "budget_to_date": 250, "year_end_estimate": "1100.50"})
    budget.save_figures(officer, line, 2, {"spend_to_date": 500, "budget_to_date": 500, "year_end_estimate": 1000})
    db.session.commit()
    table = budget.table(2007, 1)
    assert (table.rows[0].spend_to_date, table.rows[0].percent_to_date, table.rows[0].variance) == (200_00, 80, 100_50)
    assert budget.latest_quarter(2007) == 2
    with pytest.raises(RuleError, match="already has a line"):
        budget.save_line(officer, None, {"year": 2007, "item": "Staffing", "annual_budget": 5})
    with pytest.raises(RuleError, match="cannot be less than 0"):
        budget.save_figures(officer, line, 1, {"spend_to_date": -1, "budget_to_date": 0, "year_end_estimate": 0})
    with pytest.raises(RuleError, match="Only a partnership officer"):
        budget.save_line(users["coordinator"], None, {"year": 2007, "item": "Printing", "annual_budget": 5})


def test_a_line_without_figures_for_the_quarter_is_named(users):
    officer = users["officer"]
    budget.save_line(officer, None, {"year": 2007, "item": "Printing", "annual_budget": 800})
    db.session.commit()
    table = budget.table(2007, 1)
    assert table.missing == ["Printing"]
    assert (table.total.spend_to_date, table.total.year_end_estimate, table.total.variance) == (0, 800_00, 0)


def test_deleting_a_line_takes_its_figures_and_says_how_many(users):
    officer = users["officer"]
    line = budget.save_line(officer, None, {"year": 2007, "item": "Printing", "annual_budget": 800})
    budget.save_figures(officer, line, 1, {"spend_to_date": 1, "budget_to_date": 1, "year_end_estimate": 1})
    db.session.commit()
    assert budget.delete_line(officer, line) == 1
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(BudgetFigures)) == 0


def test_budget_forms_show_errors_next_to_fields(client, login, users):
    login("officer")
    response = client.post("/admin/plan/budget/new", data={"year": "twenty", "item": "", "annual_budget": "lots"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "must be a whole number" in text and "Enter the item" in text and "must be a number" in text
    assert db.session.scalar(db.select(db.func.count()).select_from(BudgetLine)) == 0
    ok = client.post("/admin/plan/budget/new", data={"year": "2007", "item": "Printing", "annual_budget": "8,000"})
    assert ok.status_code == 302
    line = db.session.scalar(db.select(BudgetLine))
    assert line.annual_budget == 800000
    figures = client.post(f"/admin/plan/budget/{line.id}/figures", data={"quarter": "1", "spend_to_date": "2204", "budget_to_date": "2000", "year_end_estimate": "8000"})
    assert figures.status_code == 302
    page = client.get("/plan/budget?year=2007").get_data(as_text=True)
    assert "£2,204" in page and "110%" in page


# ---- the board report ------------------------------------------------------------------------

def _budget_rows(html: str) -> list[tuple[str, ...]]:
    rows = re.findall(r'<tr class="govuk-table__row[^"]*">\s*<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', html, re.S)
    out = []
    for name, cells in rows:
        values = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        values = [re.sub(r"\s*\(overspend\)▲$", "", v) for v in values]
        out.append((re.sub(r"<[^>]+>", "", name).strip(), *values))
    return out


def test_demo_quarter_1_report_reproduces_seed_002_budget_table(seeded, client):
    page = client.get("/plan/reports/2005/q1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _budget_rows(html) == SEED_002
    assert "Quarter 1 2005/06" in html


def test_demo_report_figures_come_from_the_budget_lines(seeded, client):
    # Change one line's figures: the report follows, so nothing in it was typed in.
    line = db.session.scalar(db.select(BudgetLine).where(BudgetLine.item == "Printing"))
    line.figures_for(1).spend_to_date = 300000
    db.session.commit()
    rows = dict((r[0], r[1:]) for r in _budget_rows(client.get("/plan/reports/2005/q1").get_data(as_text=True)))
    assert rows["Printing"][:3] == ("£3,000", "£2,000", "150%")
    assert rows["Total"][0] == "£95,791"


def test_demo_report_work_programme_is_as_at_the_quarter_end(seeded):
    report = board_report.build(2005, 1)
    by_activity = {r.action.activity: r for g in report.programme for r in g.rows}
    assert [g.theme.name for g in report.programme][:3] == ["Branding", "Communication", "Community engagement"]
    logo = by_activity["Halton Strategic Partnership Board approved its basic visual identity"]
    assert (logo.status, logo.progress) == ("complete", "Complete – logo in use")
    identity = by_activity["Specialist Strategic Partnerships to recommend visual identities linked to that of Halton Strategic Partnership Board"]
    assert identity.status == "late"  # due May 2005, not complete at 30 June 2005
    later = by_activity["Partners reflect appropriate targets/ objectives of Community Strategy in their plans"]
    assert (later.status, later.progress) == ("not_started", "")
    # 22 actions of the plan's own, and 3 from the Safer Halton Partnership's 2006/07 action plan
    # adopted through the annual cycle (engage/cycle/demo.py).
    assert sum(report.status_counts.values()) == 25


def test_demo_report_as_a_word_document(seeded, client):
    response = client.get("/plan/reports/2005/q1.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "board-report-2005-06-q1.docx" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.data))
    assert "Quarter 1 2005/06" in doc.paragraphs[1].text or any("Quarter 1 2005/06" in p.text for p in doc.paragraphs)
    budget_table = doc.tables[0]
    rows = [tuple(c.text for c in row.cells) for row in budget_table.rows]
    assert rows[1:] == SEED_002
    programme_text = " ".join(c.text for t in doc.tables[1:] for row in t.rows for c in row.cells)
    assert "Complete – logo in use" in programme_text and "Awaiting outcome of above work" in programme_text


@pytest.mark.parametrize("path", ["/plan/reports/2005/q5", "/plan/reports/abc/q1", "/plan/reports/2005/q0.docx", "/plan/reports/99999999999/q1"])
def test_bad_report_addresses_are_404(client, path):
    assert client.get(path).status_code == 404


def test_reports_list_links_each_quarter_with_figures(seeded, client):
    page = client.get("/plan/reports").get_data(as_text=True)
    assert "/plan/reports/2005/q1" in page and "/plan/reports/2005/q1.docx" in page


# ---- found by mutation (issue 19): each of these passed with the rule taken out -----------------

def test_the_fourth_quarter_ends_on_31_march_of_the_next_year(users):
    assert budget.quarter_end(2005, 4) == date(2006, 3, 31)
    assert budget.quarter_start(2005, 4) == date(2006, 1, 1)
    assert [budget.quarter_end(2005, q) for q in (1, 2, 3)] == [date(2005, 6, 30), date(2005, 9, 30), date(2005, 12, 31)]
    assert budget.quarter_of(date(2006, 3, 31)) == (2005, 4)
    officer = users["officer"]
    line = budget.save_line(officer, None, {"year": 2005, "item": "Staffing", "annual_budget": 1000})
    budget.save_figures(officer, line, 4, {"spend_to_date": 900, "budget_to_date": 1000, "year_end_estimate": 1000})
    db.session.commit()
    report = board_report.build(2005, 4)
    assert report.as_at == date(2006, 3, 31)
    assert report.period == "January to March 2006"
    assert report.title == "Central partnership activity report – Quarter 4 2005/06"


def test_a_negative_annual_budget_is_refused_and_nothing_is_saved(users):
    officer = users["officer"]
    with pytest.raises(RuleError, match="0 or more") as refused:
        budget.save_line(officer, None, {"year": 2007, "item": "Staffing", "annual_budget": "-0.01"})
    assert refused.value.field == "annual_budget"
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(BudgetLine)) == 0
    line = budget.save_line(officer, None, {"year": 2007, "item": "Staffing", "annual_budget": 0})  # 0 is allowed
    db.session.commit()
    with pytest.raises(RuleError, match="0 or more"):
        budget.save_line(officer, line, {"year": 2007, "item": "Staffing", "annual_budget": -5}, line.version)
    db.session.rollback()
    assert db.session.get(BudgetLine, line.id).annual_budget == 0


def test_changes_to_budget_figures_are_audited(users):
    from engage.core.audit import history

    officer = users["officer"]
    line = budget.save_line(officer, None, {"year": 2007, "item": "Printing", "annual_budget": 800})
    budget.save_figures(officer, line, 2, {"spend_to_date": "12.50", "budget_to_date": 20, "year_end_estimate": 800})
    db.session.commit()
    budget.save_figures(officer, line, 2, {"spend_to_date": 30, "budget_to_date": 40, "year_end_estimate": 790})
    db.session.commit()
    events = [e for e in history(line) if e.summary.startswith("Figures for quarter 2")]
    assert len(events) == 2 and all(e.actor_id == officer.id for e in events)
    assert events[0].summary == "Figures for quarter 2 of 2007/08 on “Printing”"
    newest = max(events, key=lambda e: e.id)
    assert newest.changes["quarter"] == 2
    assert (newest.changes["spend_to_date"], newest.changes["budget_to_date"], newest.changes["year_end_estimate"]) == (3000, 4000, 79000)


def test_deleting_a_line_closes_the_history_of_its_figures_too(users):
    from engage.core import audit
    from engage.core.models import AuditEvent

    officer = users["officer"]
    line = budget.save_line(officer, None, {"year": 2007, "item": "Printing", "annual_budget": 800})
    figures = budget.save_figures(officer, line, 1, {"spend_to_date": 1, "budget_to_date": 1, "year_end_estimate": 1})
    audit.record(officer, "update", figures, "A change to the quarter's figures themselves")
    db.session.commit()
    ids = {"BudgetLine": line.id, "BudgetFigures": figures.id}
    budget.delete_line(officer, line)
    db.session.commit()
    for kind, object_id in ids.items():
        events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.object_type == kind, AuditEvent.object_id == object_id)).all()
        assert events and all(e.record_deleted for e in events), kind  # no history left open for a row that is gone
