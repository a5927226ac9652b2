"""Bid rounds: weighted criteria, named assessors, the weighted score worked by hand and
checked by a second computation (``statistics.fmean`` with weights, not the service's own
arithmetic), conflicts of interest, the ranked list beside pro rata, the workflow."""
from __future__ import annotations

import statistics

import pytest
from sqlalchemy import update

from engage.core.errors import RuleError
from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.funding import bids
from engage.funding.models import Bid, BidRound, BidRoundMove
from tests.funding import support

WEIGHTS = [("Prevention before remedy", 3), ("Evidence", 2), ("Innovation", 1)]


@pytest.fixture
def scored(app, users):
    """A round of three bids: A and B (two organisations) score; C's organisation runs bid 1."""
    officer = users["officer"]
    health, safer = support.partnerships()
    prog = support.programme(officer)
    x, y, z = support.org("Org X"), support.org("Org Y"), support.org("Org Z")
    a, b, c = support.person("a@test.example", x), support.person("b@test.example", y), support.person("c@test.example", z)
    rnd = support.round_with(officer, prog, health, WEIGHTS, pot=1000)
    one = support.bid(officer, rnd, "Bid one", health, z, 600)
    two = support.bid(officer, rnd, "Bid two", safer, x, 500)
    three = support.bid(officer, rnd, "Bid three", safer, y, 400)
    for person in (a, b, c):
        bids.add_assessor(officer, rnd, person)
    bids.move(officer, rnd, "start-scoring", "open")
    crit = rnd.criteria

    def score(person, bid, values):
        bids.save_scores(person, bid, {cr.id: (v, f"Reason for {v}") for cr, v in zip(crit, values)})

    score(a, one, [4, 2, 5])
    score(b, one, [2, 3, 1])
    score(b, two, [5, 5, 5])   # b is from Org Y: may score bid two (Org X)
    score(a, three, [0, 0, 0])
    db.session.commit()
    return dict(round=rnd, bids=(one, two, three), people=(a, b, c), officer=officer)


def test_the_weighted_score_worked_by_hand_and_checked_independently(scored):
    one = scored["bids"][0]
    result = bids.result(one)
    # By hand: weights 3, 2, 1 (total 6).
    #   A scored 4, 2, 5: (3×4 + 2×2 + 1×5) / 6 = 21/6 = 3.5
    #   B scored 2, 3, 1: (3×2 + 2×3 + 1×1) / 6 = 13/6 = 2.1667
    #   the bid: (3.5 + 2.1667) / 2 = 17/6 = 2.8333; spread 2.17 to 3.50 (range 4/3)
    assert [a.value for a in result.assessors] == [pytest.approx(3.5), pytest.approx(13 / 6)]
    assert result.value == pytest.approx(17 / 6) and result.count == 2
    assert (result.lowest, result.highest) == (pytest.approx(13 / 6), pytest.approx(3.5))
    assert bids.score_text(result.value) == "2.83" and bids.score_text(result.spread) == "1.33"
    # A second, independent computation: the standard library's weighted mean per assessor,
    # then the plain mean, from the raw rows.
    weights = [w for _n, w in WEIGHTS]
    per_assessor = {}
    for s in sorted(one.scores, key=lambda s: s.criterion.position):
        per_assessor.setdefault(s.assessor_id, []).append(s.score)
    independent = statistics.fmean([statistics.fmean(v, weights=weights) for v in per_assessor.values()])
    assert independent == pytest.approx(float(result.value), abs=1e-12)
    assert statistics.pstdev([statistics.fmean(v, weights=weights) for v in per_assessor.values()]) == pytest.approx(float(result.spread) / 2)


def test_ranked_list_beside_pro_rata(scored):
    ranking = bids.ranking(scored["round"])
    titles = [r.bid.title for r in ranking.rows]
    assert titles == ["Bid two", "Bid one", "Bid three"]  # 5.00, 2.83, 0.00
    assert [r.rank for r in ranking.rows] == [1, 2, 3]
    # Down the list: 500 in full, then what is left (500 of 600: part funded), then nothing.
    assert [r.ranked for r in ranking.rows] == [50_000, 50_000, 0]
    assert ranking.rows[1].part_funded and not ranking.rows[0].part_funded
    # Pro rata to the sums asked (1,500 for a pot of 1,000): 333.33, 400, 266.67, in whole
    # pence adding up to the pot exactly (the odd penny to the largest remainder, .67).
    assert [r.pro_rata for r in ranking.rows] == [33_333, 40_000, 26_667]
    assert ranking.pro_rata_total == ranking.ranked_total == 100_000
    assert bids.pro_rata(1000, [300, 200]) == [300, 200]  # enough for everyone: what was asked


def test_nobody_scores_their_own_organisation_s_bid(scored, client, login):
    one = scored["bids"][0]
    c = scored["people"][2]
    with pytest.raises(RuleError, match="your own organisation"):
        bids.save_scores(c, one, {cr.id: (3, "x") for cr in scored["round"].criteria})
    db.session.rollback()
    assert bids.result(db.session.get(Bid, one.id)).count == 2
    # Through the page: refused in words, nothing saved.
    from flask import g

    client._cookies.clear()
    with client.session_transaction() as session:
        session["_user_id"] = c.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)
    data = {f"score_{cr.id}": "5" for cr in scored["round"].criteria} | {f"reason_{cr.id}": "Mine" for cr in scored["round"].criteria}
    response = client.post(f"/funding/bids/{one.id}/score", data=data)
    assert response.status_code == 400 and "from your own organisation (Org Z)" in response.get_data(as_text=True)
    assert bids.result(db.session.get(Bid, one.id)).count == 2


def test_each_score_needs_the_stated_scale_and_a_reason(scored):
    a = scored["people"][0]
    two = scored["bids"][2]  # Org Y's bid, a is from Org X
    crit = scored["round"].criteria
    with pytest.raises(RuleError, match="from 0 to 5") as bad:
        bids.save_scores(a, two, {cr.id: (6, "Too high") for cr in crit})
    assert bad.value.field == f"score_{crit[0].id}"
    db.session.rollback()
    with pytest.raises(RuleError, match="Give your reason"):
        bids.save_scores(a, db.session.get(Bid, two.id), {cr.id: (3, "  ") for cr in db.session.get(BidRound, scored["round"].id).criteria})


def test_the_round_moves_once_each_way_and_each_move_is_recorded(scored, login):
    officer = scored["officer"]
    rnd = scored["round"]
    with pytest.raises(RuleError, match="cannot be moved that way"):
        bids.move(officer, rnd, "decide", "scoring")
    bids.move(officer, rnd, "rank", "scoring")
    with pytest.raises(RuleError, match="Say why"):
        bids.move(officer, rnd, "reopen-scoring", "ranked")
    bids.move(officer, rnd, "reopen-scoring", "ranked", "One assessor was ill")
    bids.move(officer, rnd, "rank", "scoring")
    db.session.commit()
    # Two people press "Record the board's decision" at once: the second finds it moved.
    db.session.execute(update(BidRound).where(BidRound.id == rnd.id).values(state="decided"))
    with pytest.raises(AlreadyMoved):
        bids.move(officer, rnd, "decide", "ranked")
    db.session.rollback()
    db.session.execute(update(BidRound).where(BidRound.id == rnd.id).values(state="ranked"))
    db.session.commit()
    rnd = db.session.get(BidRound, rnd.id)
    bids.move(officer, rnd, "decide", "ranked", "Board, 9 November")
    db.session.commit()
    moves = db.session.scalars(db.select(BidRoundMove).where(BidRoundMove.round_id == rnd.id).order_by(BidRoundMove.id)).all()
    assert [(m.from_state, m.to_state) for m in moves] == [("open", "scoring"), ("scoring", "ranked"), ("ranked", "scoring"),
                                                           ("scoring", "ranked"), ("ranked", "decided")]
    assert moves[2].reason == "One assessor was ill" and all(m.actor_id == officer.id for m in moves)
    client = login("officer")
    page = client.get(f"/funding/rounds/{rnd.id}").get_data(as_text=True)
    assert "moved it from “ranked” to “being scored”: “One assessor was ill”" in page
    assert "Awarded" in page and 'name="action"' not in page  # decided is final: no more moves offered
    assert [b.awarded for b in sorted(rnd.bids, key=lambda b: b.title)] == [50_000, 0, 50_000]  # one, three, two


def test_ranking_needs_every_bid_scored_and_criteria_are_fixed_once_scoring_starts(app, users):
    officer = users["officer"]
    health, _ = support.partnerships()
    prog = support.programme(officer)
    rnd = support.round_with(officer, prog, health, WEIGHTS)
    with pytest.raises(RuleError, match="no bids"):
        bids.move(officer, rnd, "start-scoring", "open")
    support.bid(officer, rnd, "Lonely bid", health, support.org("Org X"), 10)
    with pytest.raises(RuleError, match="Name at least one assessor"):
        bids.move(officer, rnd, "start-scoring", "open")
    bids.add_assessor(officer, rnd, support.person("a@test.example", support.org("Org Y")))
    bids.move(officer, rnd, "start-scoring", "open")
    with pytest.raises(RuleError, match="Not scored yet: Lonely bid"):
        bids.move(officer, rnd, "rank", "scoring")
    with pytest.raises(RuleError, match="only while it is open"):
        bids.save_criterion(officer, rnd, rnd.criteria[0], {"name": "Evidence", "weight": 50})


def test_partners_see_scores_residents_get_nothing(scored, client, login):
    rnd = scored["round"]
    one = scored["bids"][0]
    login(None)
    for path in (f"/funding/rounds/{rnd.id}", f"/funding/bids/{one.id}", f"/funding/bids/{one.id}/score"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path
    public = client.get(f"/funding/{rnd.programme_id}").get_data(as_text=True)
    assert "Test round" not in public and "Bid one" not in public and "2.83" not in public
    login("vcs")
    page = client.get(f"/funding/rounds/{rnd.id}").get_data(as_text=True)
    assert "Bid one" in page and "2.83" in page and "£400" in page  # the board's view: score and pro rata
    bid_page = client.get(f"/funding/bids/{one.id}").get_data(as_text=True)
    assert "Reason for 4" in bid_page and "2.17 to 3.50" in bid_page
    assert client.get(f"/funding/bids/{one.id}/score").status_code == 403  # not an assessor
    assert client.get(f"/funding/rounds/{rnd.id}/bids/new").status_code == 403


def test_an_assessor_scores_through_the_page(scored, client):
    a = scored["people"][0]
    two = scored["bids"][1]  # Org X's bid: a is from Org X
    three = scored["bids"][2]
    client._cookies.clear()
    with client.session_transaction() as session:
        session["_user_id"] = a.get_id()
        session["_fresh"] = True
    crit = scored["round"].criteria
    form = client.get(f"/funding/bids/{three.id}/score").get_data(as_text=True)
    assert "Reason for 0" in form  # their earlier scores, to change
    data = {f"score_{cr.id}": "3" for cr in crit} | {f"reason_{cr.id}": "Better than I thought" for cr in crit}
    data[f"reason_{crit[1].id}"] = ""
    response = client.post(f"/funding/bids/{three.id}/score", data=data)
    assert response.status_code == 400 and "Give your reason for the score on “Evidence”" in response.get_data(as_text=True)
    data[f"reason_{crit[1].id}"] = "Good survey"
    assert client.post(f"/funding/bids/{three.id}/score", data=data).status_code == 302
    assert bids.result(db.session.get(Bid, three.id)).value == 3
    response = client.get(f"/funding/bids/{two.id}/score")
    assert "from your own organisation (Org X)" in response.get_data(as_text=True)


def test_a_coordinator_of_the_round_s_partnership_sets_its_criteria(app, users):
    """The criteria are the partnership's: its coordinators set them (data, not code); a
    coordinator of another partnership may not."""
    officer, coordinator = users["officer"], users["coordinator"]
    health, safer = support.partnerships()
    prog = support.programme(officer)
    rnd = support.round_with(officer, prog, health, WEIGHTS)
    db.session.commit()
    with pytest.raises(RuleError, match="coordinator of the partnership running the round"):
        bids.save_criterion(coordinator, rnd, None, {"name": "Levers other money", "weight": 1})
    db.session.rollback()
    rnd = db.session.get(BidRound, rnd.id)
    rnd.partnership.coordinators.append(coordinator)
    db.session.commit()
    bids.save_criterion(coordinator, rnd, rnd.criteria[0], {"name": "Prevention before remedy", "weight": 7})
    bids.save_criterion(coordinator, rnd, None, {"name": "Levers other money", "weight": 1})
    assert [(c.name, c.weight) for c in rnd.criteria] == [("Prevention before remedy", 7), ("Evidence", 2),
                                                                         ("Innovation", 1), ("Levers other money", 1)]
    with pytest.raises(RuleError, match="from 0 to 100"):
        bids.save_criterion(coordinator, rnd, None, {"name": "Too heavy", "weight": 101})


def test_the_decision_makes_each_funded_bid_a_project_with_its_money(scored, login):
    """The board's decision is not the end: each bid awarded money becomes a funded project of
    the programme, with what it was awarded on the round's year of the budget; a bid given
    nothing does not. A decision the year's allocation cannot cover is refused in words and
    changes nothing."""
    from engage.funding import services
    from engage.funding.models import FundedProject

    officer, rnd = scored["officer"], scored["round"]
    one, two, three = scored["bids"]
    bids.move(officer, rnd, "rank", "scoring")
    db.session.commit()
    # The year's allocation is nearly used up by a project funded earlier: refused, nothing moves.
    earlier = support.project(officer, rnd.programme, "Earlier project", one.partnership, {2007: 5_376_000})
    db.session.commit()
    with pytest.raises(RuleError, match=r"The decision cannot be recorded\. That is £392 more than is left"):
        bids.move(officer, rnd, "decide", "ranked", "Board, 9 November")
    db.session.rollback()
    rnd = db.session.get(BidRound, rnd.id)
    assert rnd.state == "ranked" and all(b.awarded is None and b.project_id is None for b in rnd.bids)
    assert db.session.scalar(db.select(db.func.count()).select_from(FundedProject)) == 1
    # With room in the year, the decision funds bids two and one (500 each); three gets nothing.
    services.set_funding(officer, db.session.get(FundedProject, earlier.id), 2007, 0)
    bids.move(officer, rnd, "decide", "ranked", "Board, 9 November")
    db.session.commit()
    made = {b.title: b.project for b in rnd.bids}
    assert made["Bid three"] is None
    for title in ("Bid one", "Bid two"):
        project = made[title]
        bid = next(b for b in rnd.bids if b.title == title)
        assert (project.name, project.programme_id, project.partnership_id, project.organisation_id) == \
            (title, rnd.programme_id, bid.partnership_id, bid.organisation_id)
        assert [(y.year, y.line.annual_budget) for y in project.years] == [(2007, 50_000)]
    assert services.allocated(rnd.programme, 2007) == 100_000
    client = login("officer")
    page = client.get(f"/funding/bids/{two.id}").get_data(as_text=True)
    assert f'href="/funding/projects/{made["Bid two"].id}"' in page and "Funded project" in page
    project_page = client.get(f"/funding/projects/{made['Bid one'].id}").get_data(as_text=True)
    assert "Bid one" in project_page and "£500" in project_page
