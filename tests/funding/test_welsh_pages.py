"""Funding in Welsh (issue 23): the public pages residents open without signing in (all funding,
a programme with its money each year, spend and projects, a project whose money stops with no
exit plan), and the partners' pages (a bid round with its workflow, a bid, scoring it, and the
forms). Each page is read in English first (so each English phrase listed is known to be on
it), then with the Welsh cookie: lang="cy", the Welsh phrase there and none of the English left.
What staff typed (names, titles) stays as they wrote it."""
from __future__ import annotations

import pytest

from engage.extensions import db
from engage.funding import bids
from tests.funding import support
from tests.i18n_support import assert_pages_in_welsh


@pytest.fixture
def funded(app, users):
    """A programme with three years' allocations (the last indicative), a project whose money
    stops before the programme's last year with no exit plan, and a round open for bids with
    two criteria, one bid and one assessor."""
    officer = users["officer"]
    health, _safer = support.partnerships()
    prog = support.programme(officer)
    project = support.project(officer, prog, "Street wardens", health, money={2005: 1000, 2006: 2000})
    rnd = support.round_with(officer, prog, health, [("Prevention", 3), ("Evidence", 2)], pot=1000)
    other = support.org("Org X")
    bid = support.bid(officer, rnd, "Youth club", health, other, 600)
    bids.add_assessor(officer, rnd, users["coordinator"])
    db.session.commit()
    return dict(programme=prog, project=project, round=rnd, bid=bid)


def test_the_public_funding_pages_are_in_welsh(funded, client):
    prog, project = funded["programme"], funded["project"]
    assert_pages_in_welsh(client, {
        "/funding": ("Y flwyddyn ddiweddaraf: 2007/08", [
            "<title>Funding", "The money the partnership hands out itself", "Latest year: ", "(indicative)"]),
        f"/funding/{prog.id}": ("Swm dangosol yw’r swm rydym yn ei ddisgwyl", [
            "All funding", "Money each year", "An indicative sum is the amount we expect", ">Year<", ">Money<",
            "Change on the year before", ">Indicative<", "Spend each year", "given to projects", ">Partnership<",
            ">Given<", "Spent so far", "Spent, as a share", "Likely spend by year end", ">Total<", "Not yet given",
            "each project needs a plan for when it stops", "Projects paid for by", ">Exit plan<", "No exit plan"]),
        f"/funding/projects/{project.id}": ("Mae’r arian yn dod i ben ar ôl 2006/07 ac nid oes cynllun eto", [
            "Back to Neighbourhood Renewal Fund", ">Partnership<", ">Years<", "2005/06 to 2006/07", ">Exit plan<",
            "No exit plan", "The money stops after", "Money and spend each year", ">Given<", "Spent so far",
            "No figures yet"]),
    }, all_found=True)
    # A resident's page in Welsh draws no template still waiting to be translated.
    page = client.get(f"/funding/{prog.id}")
    assert "engage-untranslated" not in page.text


def test_a_bid_round_its_workflow_and_the_partners_funding_pages_are_in_welsh(funded, client, login):
    rnd, bid, prog, project = funded["round"], funded["bid"], funded["programme"], funded["project"]
    login("officer")
    assert_pages_in_welsh(client, {
        f"/funding/rounds/{rnd.id}": ("Ar agor i geisiadau", [
            "partners only", "Money to give out", ">Asked for<", " in 1 bid", "Criteria set by", ">Scale<",
            "Each criterion is scored from 0 to 5", ">Open for bids<",
            # the workflow macro: its title, state, step, who may take it and what it does
            "Bid round status:", "Close for bids and start scoring", "Who can do it: a partnership officer.",
            "No more bids or changes to the criteria", "Waiting for a partnership officer.",
            "The bids so far", "A bid's score is the average", ">Rank<", ">Bid<", "Score (0 to 5)", ">Assessors<",
            "Spread (lowest to highest)", "Ranked allocation", "Pro rata would give", "None cited", "Criteria and weights",
            "Share of the score", "Add a criterion", "Nobody scores a bid from their own organisation", "Name as assessor",
            "Enter a bid"]),
        f"/funding/bids/{bid.id}": ("Sgoriau a rhesymau", [
            "Back to the round", "partners only", ">Organisation<", ">Asked for<", ">Score<",
            "Not scored", ">Evidence<", "None cited.", "Scores and reasons", "No assessor has scored every criterion yet.",
            ">Choose<", "Add evidence"]),
        f"/funding/rounds/{rnd.id}/bids/new": ("Cyflwyno cais", [
            "Enter a bid", "Back to the round", "Thematic partnership", "Organisation that would run it",
            "What the money would do", "Amount asked for in pounds", "Enter the bid"]),
        f"/funding/{prog.id}/rounds/new": ("Agor rownd geisiadau", [
            "Open a bid round", "Back to Neighbourhood Renewal Fund", "Partnership setting the criteria", "Financial year",
            "The year the financial year starts in", "Money to give out in pounds", "Highest score on each criterion",
            "Assessors score each criterion from 0 to this", "Open the round"]),
        f"/funding/criteria/{rnd.criteria[0].id}": ("Beth mae aseswyr yn chwilio amdano", [
            "Back to the round", "What assessors look for", "counts twice as much", "Save criterion"]),
        f"/funding/projects/{project.id}/edit": ("Gwariant mewn chwarter", [
            ">Back<", "Project name", "Lead organisation", "Exit strategy", "How the work carries on", "Save project",
            "Money for a year", "Spent to date", "Year-end estimate", "Money for the year in pounds",
            "Save money for the year", "Spend in a quarter", "Quarter 1 (April to June)", "Planned spend to date in pounds",
            "Save spend"]),
        f"/funding/{prog.id}/projects/new": ("Ychwanegu prosiect", ["Add a project", "Project name", "Save project"]),
        f"/funding/{prog.id}": ("Gosod dyraniad blwyddyn", [
            ">Manage<", "Add a project", "Open a bid round", "Set a year's allocation", "Allocation in pounds",
            "Save allocation", "Bid rounds (partners only)", "open for bids</li>"]),
    }, all_found=True)


def test_scoring_a_bid_and_the_errors_are_in_welsh(funded, client, login):
    rnd, bid = funded["round"], funded["bid"]
    bids.move(_officer(), rnd, "start-scoring", "open")
    db.session.commit()
    login("coordinator")
    assert_pages_in_welsh(client, {f"/funding/bids/{bid.id}/score": ("Sgoriwch bob maen prawf o 0 (dim) i 5 (cryfaf)", [
        "Score Youth club", "Back to the bid", "Score each criterion from 0", "(weight 3)", "Prevention: score",
        "Choose a score", "Prevention: your reason", "Save scores"])}, all_found=True)
    # Sent empty: each criterion's messages come back in Welsh.
    page = client.post(f"/funding/bids/{bid.id}/score", data={})
    assert page.status_code == 400 and '<html lang="cy"' in page.text
    assert "Sgoriwch “Prevention” o 0 i 5" in page.text and "Rhowch eich rheswm dros y sgôr ar “Prevention”" in page.text
    assert "Score “Prevention” from 0 to 5" not in page.text and "Give your reason" not in page.text


def _officer():
    from engage.accounts.models import User

    return db.session.scalar(db.select(User).filter_by(role="officer"))


def test_a_round_moved_on_says_so_in_welsh(funded, client, login):
    rnd = funded["round"]
    login("officer")
    client.get("/language/cy")
    moved = client.post(f"/funding/rounds/{rnd.id}/move", data={"action": "start-scoring", "state": "open"},
                        follow_redirects=True)
    assert moved.status_code == 200
    assert "Mae’r rownd bellach yn y cyflwr “yn cael ei sgorio”." in moved.text  # "The round is now being scored."
    assert "The round is now" not in moved.text
    # Ranked before any bid is scored: refused in Welsh, naming the bid.
    refused = client.post(f"/funding/rounds/{rnd.id}/move", data={"action": "rank", "state": "scoring"})
    assert refused.status_code == 400
    assert "Mae angen set lawn o sgoriau gan o leiaf un asesydd ar bob cais. Heb eu sgorio eto: Youth club." in refused.text
    assert "Every bid needs" not in refused.text
