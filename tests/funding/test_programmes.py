"""Funding programmes: Halton's NRF allocations and taper, projects whose money for a year is a
line of the one budget, spend against allocation, over-allocation refused, exit strategies."""
from __future__ import annotations

import re
from fractions import Fraction

import pytest

from engage.core.errors import RuleError
from engage.extensions import db
from engage.funding import services
from engage.funding.models import FundedProject, FundingProgramme
from engage.strategy import budget
from engage.strategy.models import BudgetLine
from tests.funding import support


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_demo_on_halton_s_own_figures(seeded, client):
    """One demo load (it is slow) for the three checks below."""
    _allocations_and_taper_in_public(client)
    _project_money_is_a_line_of_the_one_budget_kept_off_the_activity_budget(client)
    _spend_against_allocation_per_year_and_partnership()
    _a_ranked_bid_round_scored_by_named_assessors()
    # Loading the demo again changes nothing.
    from engage.demo import run_seeders
    from engage.funding.models import Bid, BidScore

    before = [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (FundedProject, BudgetLine, Bid, BidScore)]
    run_seeders()
    assert [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (FundedProject, BudgetLine, Bid, BidScore)] == before


def _a_ranked_bid_round_scored_by_named_assessors():
    from engage.funding import bids
    from engage.funding.models import BidRound

    rnd, decided = db.session.scalars(db.select(BidRound).order_by(BidRound.id)).all()
    _the_year_before_decided_and_funded(decided)
    assert rnd.state == "ranked" and len(rnd.criteria) == 8 and len(rnd.assessors) == 3
    assert [c.name for c in rnd.criteria][:2] == ["Prevention before remedy", "Evidence"]
    ranking = bids.ranking(rnd)
    assert all(row.rank for row in ranking.rows) and ranking.ranked_total == ranking.pro_rata_total == rnd.pot == 40_000_000
    for bid in rnd.bids:  # the demo keeps the rule too: nobody scored their own organisation's bid
        assert all(s.assessor.organisation_id != bid.organisation_id for s in bid.scores)
        assert all(s.reason for s in bid.scores)
    assert any(bids.evidence_of(b) for b in rnd.bids)


def _the_year_before_decided_and_funded(rnd):
    """The demo's 2006/07 round, decided: £60,000 down the ranked list (worked by hand from
    the demo's scores and weights, which sum to 14: clean-up days 49/14 and 52/14, mean 101/28
    = 3.61 of 5; youth forum 37/14 and 37/14 = 2.64), so the clean-up days get the £35,000 they asked for and the youth forum
    the £25,000 left of its £40,000; each is a project with that money on 2006/07."""
    from engage.funding import bids
    from engage.funding.models import FundedProject

    scores = {row.bid.title: row.result.value for row in bids.ranking(rnd).rows}
    assert scores == {"Residents' clean-up days (demo)": Fraction(101, 28), "Youth forum in every area (demo)": Fraction(37, 14)}
    assert rnd.state == "decided" and rnd.year == 2006 and [m.action for m in rnd.moves][-1] == "decide"
    awarded = {b.title: b.awarded for b in rnd.bids}
    assert awarded == {"Residents' clean-up days (demo)": 3_500_000, "Youth forum in every area (demo)": 2_500_000}
    for bid in rnd.bids:
        project = db.session.get(FundedProject, bid.project_id)
        assert project.name == bid.title and project.programme_id == rnd.programme_id
        assert {y.year: y.line.annual_budget for y in project.years} == {2006: bid.awarded}


def _allocations_and_taper_in_public(client):
    prog = db.session.scalar(db.select(FundingProgramme).filter_by(name="Neighbourhood Renewal Fund"))
    rows = {r.year: r for r in services.taper(prog)}
    assert rows[2005].amount == 672_076_000 and rows[2006].amount == 604_868_400 and rows[2007].amount == 537_660_800
    assert rows[2007].status == "indicative" and rows[2006].status == "confirmed"
    # The taper: £672,076 less each year, worked out (10% then 11%), and nothing in 2008/09.
    assert rows[2006].change == rows[2007].change == -67_207_600
    assert (rows[2006].change_percent, rows[2007].change_percent) == (-10, -11)
    assert rows[2008].amount == 0 and rows[2008].status == "ended" and rows[2008].change == -537_660_800
    page = _text(client.get(f"/funding/{prog.id}"))
    assert "2005/06 £6,720,760" in page and "2006/07 £6,048,684" in page
    assert "2007/08 £5,376,608 Indicative" in page and "2008/09 £0 Assumed to have ended" in page
    assert "-£672,076 (-10%)" in page
    # Funded projects are public, with a flag where the money stops and there is no plan.
    assert "Disability Sports (demo)" in page and "No exit plan" in page
    # Bid scores are not: a resident sees no round, no bid, no score.
    assert "New projects for 2007/08" not in page and "Street wardens" not in page and "Bid rounds" not in page


def _project_money_is_a_line_of_the_one_budget_kept_off_the_activity_budget(client):
    """The project's year is a BudgetLine in the book "funding" with the budget's own
    quarterly figures; the partnership's activity budget pages and board reports do not list it."""
    project = db.session.scalar(db.select(FundedProject).filter_by(name="Sports Partnership (demo)"))
    year = next(y for y in project.years if y.year == 2006)
    assert isinstance(year.line, BudgetLine) and year.line.book == "funding" and year.line.annual_budget == 16_000_000
    row = services.project_row(year)
    assert (row.spend_to_date, row.year_end_estimate, row.percent_of_year) == (7_850_000, 15_800_000, 99)
    assert all(line.book == "" for line in budget.lines_for(2005)) and budget.lines_for(2006) == []
    assert 2006 not in budget.years()
    assert "Sports Partnership" not in client.get("/plan/budget?year=2005").get_data(as_text=True)
    from engage.strategy import board_report

    assert all(y == 2005 for y, _q in board_report.available())


def _spend_against_allocation_per_year_and_partnership():
    prog = db.session.scalar(db.select(FundingProgramme))
    years = {ys.year: ys for ys in services.spend(prog)}
    y = years[2006]
    # 2006/07 in the demo: 160,000 + 45,000 (Healthy Halton), 95,000 (Safer), 190,000 (ELS),
    # and the decided round's 35,000 (Urban Renewal) and 25,000 (Children and Young People).
    assert y.allocated == (160_000 + 45_000 + 95_000 + 190_000 + 35_000 + 25_000) * 100
    assert y.unallocated == 604_868_400 - y.allocated
    by = {ps.partnership.name: ps for ps in y.partnerships}
    assert by["Healthy Halton Partnership"].allocated == 20_500_000 and by["Healthy Halton Partnership"].projects == 2
    assert by["Healthy Halton Partnership"].spent == (78_500 + 24_000) * 100
    assert by["Safer Halton Partnership"].percent_spent == 43  # 41,000 of 95,000 = 43.2%
    assert y.spent == sum(ps.spent for ps in y.partnerships)


def test_over_allocation_is_refused_saying_how_much_is_left(app, users):
    officer = users["officer"]
    health, safer = support.partnerships()
    prog = support.programme(officer, allocations=((2006, 1000, "confirmed"),))
    a = support.project(officer, prog, "A", health, {2006: 600})
    b = support.project(officer, prog, "B", safer)
    db.session.commit()
    with pytest.raises(RuleError) as refused:
        services.set_funding(officer, b, 2006, "400.01")
    assert refused.value.field == "amount"
    assert str(refused.value) == ("That is £0.01 more than is left: Neighbourhood Renewal Fund has £1,000 for 2006/07, "
                                  "£600 is already given to projects, so £400 is left.")
    db.session.rollback()
    prog = db.session.get(FundingProgramme, prog.id)
    b = db.session.get(FundedProject, b.id)
    services.set_funding(officer, b, 2006, "400.00")  # exactly the rest is fine
    assert services.allocated(prog, 2006) == 100_000
    # Changing a project's own year counts it once, not twice.
    a = db.session.get(FundedProject, a.id)
    services.set_funding(officer, a, 2006, 600)
    db.session.commit()
    with pytest.raises(RuleError):
        services.set_funding(officer, a, 2006, "600.01")
    db.session.rollback()
    # And the allocation cannot be cut below what projects already have.
    prog = db.session.get(FundingProgramme, prog.id)
    with pytest.raises(RuleError, match="cannot be less than that"):
        services.save_allocation(officer, prog, 2006, 999, "confirmed")
    db.session.rollback()
    with pytest.raises(RuleError, match="no allocation for 2005/06"):
        services.set_funding(officer, db.session.get(FundedProject, b.id), 2005, 1)


def test_money_is_whole_pence_never_floats(app, users):
    officer = users["officer"]
    health, _ = support.partnerships()
    prog = support.programme(officer, allocations=((2006, "1.45", "confirmed"),))
    a = support.project(officer, prog, "A", health, {2006: "1.15"})  # 1.15 × 100 is 114.99999999999999 in floats
    support.project(officer, prog, "B", health, {2006: "0.30"})
    assert services.allocated(prog, 2006) == 145 and isinstance(services.allocated(prog, 2006), int)
    assert a.years[0].line.annual_budget == 115 and prog.allocation_for(2006).amount == 145


def test_a_project_whose_money_ends_without_an_exit_strategy_is_flagged(app, users, client):
    officer = users["officer"]
    health, _ = support.partnerships()
    prog = support.programme(officer)
    stops_early = support.project(officer, prog, "Stops early", health, {2005: 100, 2006: 50})
    planned = support.project(officer, prog, "Planned", health, {2006: 100, 2007: 80}, exit_strategy="The council takes it on.")
    to_the_end = support.project(officer, prog, "To the end", health, {2007: 80})
    db.session.commit()
    views = {v.project.name: v for v in services.project_views(prog)}
    assert views["Stops early"].flagged and views["Stops early"].last_year == 2006
    assert not views["Planned"].flagged
    assert views["To the end"].flagged  # the programme itself is assumed to end after 2007/08
    # Without an assumed end, only a project stopping before the programme's last year is flagged.
    prog.last_year = None
    db.session.commit()
    views = {v.project.name: v for v in services.project_views(prog)}
    assert views["Stops early"].flagged and not views["To the end"].flagged
    page = client.get(f"/funding/projects/{stops_early.id}").get_data(as_text=True)
    assert "No exit plan" in page and "The money stops after 2006/07" in page
    assert "No exit plan" not in client.get(f"/funding/projects/{planned.id}").get_data(as_text=True)
    assert to_the_end.id


def test_officer_pages_refuse_over_allocation_next_to_the_field(app, users, login):
    officer = users["officer"]
    health, _ = support.partnerships()
    prog = support.programme(officer, allocations=((2006, 1000, "confirmed"),))
    support.project(officer, prog, "A", health, {2006: 900})
    b = support.project(officer, prog, "B", health)
    db.session.commit()
    client = login("officer")
    response = client.post(f"/funding/projects/{b.id}/money", data={"year": "2006", "amount": "150"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "That is £50 more than is left" in html and "so £100 is left." in html and "There is a problem" in html
    assert services.allocated(db.session.get(FundingProgramme, prog.id), 2006) == 90_000  # nothing half-saved
    response = client.post(f"/funding/projects/{b.id}/money", data={"year": "2006", "amount": "100"})
    assert response.status_code == 302
    response = client.post(f"/funding/projects/{b.id}/spend", data={"year": "2006", "quarter": "2", "spend_to_date": "40",
                                                                     "budget_to_date": "50", "year_end_estimate": "90"})
    assert response.status_code == 302
    page = client.get(f"/funding/projects/{b.id}").get_data(as_text=True)
    assert "£40" in page and "£90" in page
    # Bad input is a message beside the field, never a 500.
    response = client.post(f"/funding/{prog.id}/allocations", data={"year": "twenty", "amount": "x", "status": "indicative"})
    assert response.status_code == 400 and "must be a whole number" in response.get_data(as_text=True)
    response = client.post(f"/funding/{prog.id}/allocations", data={"year": "2007", "amount": "5376608", "status": "indicative"})
    assert response.status_code == 302
    assert db.session.get(FundingProgramme, prog.id).allocation_for(2007).status == "indicative"
    assert client.get("/funding/99999999999").status_code == 404
    assert client.get("/funding/projects/abc").status_code == 404


def test_the_activity_budget_pages_cannot_change_a_project_s_line(app, users):
    """Otherwise the budget page could lift a project past its programme's allocation."""
    officer = users["officer"]
    health, _ = support.partnerships()
    prog = support.programme(officer, allocations=((2006, 1000, "confirmed"),))
    project = support.project(officer, prog, "A", health, {2006: 1000})
    line = project.years[0].line
    db.session.commit()
    with pytest.raises(RuleError, match="change it on the project's page"):
        budget.save_line(officer, line, {"item": "A", "year": 2006, "annual_budget": 5000})
    db.session.rollback()
    with pytest.raises(RuleError, match="change it on the project's page"):
        budget.delete_line(officer, db.session.get(BudgetLine, line.id))
    db.session.rollback()
    assert db.session.get(BudgetLine, line.id).annual_budget == 100_000
