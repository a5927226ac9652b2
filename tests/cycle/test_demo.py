"""The demo shows issue 22's "Done means" for this part on Halton's own figures: the 2006/07
annual cycle from seed 004's table, the thematic partnerships' plans at different places
(one adopted into the implementation plan), and a register of strategic risks in the seed's
words, highest first."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engage.cycle import services
from engage.cycle.models import DraftPlan
from engage.extensions import db
from engage.risks import services as risk_services
from engage.strategy.models import PlanAction, PlanTheme


def test_the_demo_has_the_2006_07_cycle_and_plans(seeded):
    cycle = services.year(2006)
    assert cycle.label == "2006/07" and len(cycle.steps) == 1 + 5 * 5      # the team's review, five steps x five partnerships
    assert [r.title for r in services.rows_of(cycle)] == ["Annual review", "Draft action plans", "Mid-year update",
                                                          "Final action plans", "Quarter 3 update", "Year-end update"]
    counts = services.counts(cycle, date(2007, 7, 1))
    assert counts["done"] > 0 and counts["late"] > 0 and counts["done"] + counts["late"] == 26
    states = {p.partnership.name: p.state for p in db.session.scalars(select(DraftPlan))}
    assert states == {"Safer Halton Partnership": "adopted", "Healthy Halton Partnership": "returned",
                      "Employment, Learning and Skills Partnership": "submitted"}
    theme = db.session.scalar(select(PlanTheme).where(PlanTheme.name == "SHP action plan 2006/07"))
    assert len(db.session.scalars(select(PlanAction).where(PlanAction.theme_id == theme.id)).all()) == 3


def test_the_demo_register_has_the_seeds_strategic_risks_highest_first(seeded):
    rows = risk_services.register_rows()
    assert len(rows) == 6
    assert rows[0].title.startswith("The Neighbourhood Renewal Fund ends by 2008") and rows[0].score == 20
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    heat = risk_services.heat_map(rows)
    assert heat.by_band == {"low": 0, "medium": 1, "high": 3, "very-high": 2}
    assert any("structure of government funding often prevents pooling" in r.description for r in rows)
