"""The ladder of intervention worked out by hand on small series (seed 004), then the stored
stages brought in line with it. Each planted fault named in a docstring was tried: the test
failed with it and passed once it was taken out."""
from __future__ import annotations

from datetime import date

import pytest

from engage.extensions import db
from engage.performance import ladder, services
from engage.performance.models import LadderMove, LadderStage

from .support import target, world

B, M, N = ladder.BELOW, ladder.MET, ladder.NO_DATA
LATER = date(2008, 1, 1)


@pytest.mark.parametrize("positions, expected", [
    ([M, M, M], [0, 0, 0]),
    ([B], [1]),                          # one six-monthly report below: stage 1
    ([B, B], [1, 2]),                    # two consecutive periods below: stage 2
    ([B, B, B], [1, 2, 3]),              # still below despite that: stage 3
    ([B, B, B, B], [1, 2, 3, 3]),        # the top stays the top
    ([B, M, B], [1, 0, 1]),              # back above closes; a new miss starts again at 1
    ([B, N, B], [1, 1, 2]),              # a period with no figure neither counts as a miss nor breaks the run
    ([N, N, N], [0, 0, 0]),              # no figures at all is never a miss
    ([B, B, N, M], [1, 2, 2, 0]),        # a stage waits through a gap, then closes when back above
])
def test_the_ladder_worked_by_hand(positions, expected):
    """Planted faults caught here: 'no data' counted as below (B,N,B gives 1,2,3; N,N,N gives
    1,2,3); 'no data' resetting the run (B,N,B gives 1,0,1); no cap at 3 (gives 4); met not
    closing (B,M,B gives 1,1,2)."""
    assert ladder.stages(positions) == expected


def test_the_psg_by_hand_starts_a_stage_and_the_ladder_carries_on_from_it():
    assert ladder.stages([M, M, B], {1: 2}) == [0, 2, 3]
    assert ladder.stages([B, B], {0: 1}) == [1, 2]     # by hand at or below the worked-out stage changes nothing
    eps = ladder.episodes([M, M, M], {1: 3})
    assert [(e.stage, e.start, e.end, e.ended, e.by_hand) for e in eps] == [(3, 1, 2, "closed", True)]


def test_episodes_say_how_each_stage_ended():
    eps = ladder.episodes([B, B, M, B])
    assert [(e.stage, e.start, e.end, e.ended) for e in eps] == [(1, 0, 1, "escalated"), (2, 1, 2, "closed"), (1, 3, None, None)]
    assert not any(e.by_hand for e in eps)


def test_positions_use_the_partnerships_own_status_rule(app):
    """A reading exactly at the monitoring level is not below it (the partnership's rule);
    lower-is-better targets are below when the figure is higher. Planted fault caught: the
    series compared with ``<`` on every target regardless of direction."""
    w = world()
    higher = target(w, [45, 44.9, None, 50])
    lower = target(w, [6.0, 6.1, 5.9, None], name="Unemployment", level=6.0, direction="lower")
    reviews = services.ended_reviews(LATER)
    assert [p.position for p in ladder.series(higher, reviews)] == [M, B, N, M]
    assert [p.position for p in ladder.series(lower, reviews)] == [M, B, M, N]
    assert [p.value for p in ladder.series(lower, reviews)] == [6.0, 6.1, 5.9, None]


def test_a_yearly_figure_says_so_and_is_not_a_miss(app):
    w = world()
    yearly = target(w, [40, None, 39, None], name="Exam results", annual=True)
    points = services.series(yearly, LATER)
    assert [p.position for p in points] == [B, N, B, N]
    assert points[1].words == "No figure this period: it comes once a year"
    assert [p.stage for p in points] == [1, 1, 2, 2]


def test_a_quarterly_money_check_is_not_a_ladder_period(app):
    """Only six-monthly reviews move the ladder (the quarter Oct-Dec 2006 holds no reading
    of its own). Planted fault caught: every period counted, which shifted the stages."""
    w = world()
    assert [p.name for p in services.ended_reviews(LATER)] == ["Apr-Sep 2005", "Oct 2005-Mar 2006", "Apr-Sep 2006", "Oct 2006-Mar 2007"]
    assert len(w["periods"]) == 5


def test_review_stores_each_stage_and_its_moves(app):
    """Stored stages follow the readings: stage 1, escalated to 2, escalated to 3; each start
    and each automatic move is recorded with no person (worked out). Running it again
    changes nothing. Planted faults caught: an escalation left the earlier stage open (two
    open stages); a second run started the stages again (the unique key refused it)."""
    w = world()
    indicator = target(w, [40, 41, 42, None])
    assert services.sync(indicator, LATER, tell=False) == {"started": 3, "closed": 0, "escalated": 2}
    db.session.commit()
    stages = services.stages_of(indicator)
    assert [(s.stage, s.state, s.started_period.name) for s in stages] == [
        (1, "escalated", "Apr-Sep 2005"), (2, "escalated", "Oct 2005-Mar 2006"), (3, "nominating", "Apr-Sep 2006")]
    assert stages[2].previous_id == stages[1].id
    assert stages[0].report_back_on == date(2006, 2, 16)   # three months after the November report
    assert stages[1].owner_name == "Safer Test Partnership" and stages[1].reports_to == services.PSG_NAME
    assert services.open_stage(indicator).stage == 3
    moves = db.session.query(LadderMove).filter_by(stage_id=stages[0].id).order_by(LadderMove.id).all()
    assert [(m.action, m.from_state, m.to_state, m.actor_id) for m in moves] == [("start", "", "planning", None),
                                                                                 ("escalate", "planning", "escalated", None)]
    assert services.sync(indicator, LATER, tell=False) == {"started": 0, "closed": 0, "escalated": 0}


def test_a_stage_closes_when_the_target_is_back_above(app):
    w = world()
    indicator = target(w, [44, 46, None, None])
    services.sync(indicator, LATER, tell=False)
    db.session.commit()
    (stage,) = services.stages_of(indicator)
    assert (stage.state, stage.ended_period.name, stage.ended_on) == ("closed", "Oct 2005-Mar 2006", date(2006, 5, 17))
    assert services.open_stage(indicator) is None


def test_missing_figures_do_not_start_anything(app):
    w = world()
    indicator = target(w, [None, None, None, None])
    assert services.sync(indicator, LATER, tell=False)["started"] == 0
    assert services.stages_of(indicator) == []


def test_only_periods_that_have_ended_count(app):
    """On 1 October 2006 the April-September 2006 review has ended; the next has not."""
    w = world()
    indicator = target(w, [44, 44, 44, 44])
    services.sync(indicator, date(2006, 10, 1), tell=False)
    assert services.open_stage(indicator).stage == 3
    assert [p.period.name for p in services.series(indicator, date(2006, 10, 1))][-1] == "Apr-Sep 2006"
    assert db.session.query(LadderStage).count() == 3
