"""The demo's strategy, plan, budget and Network Group: loaded by seed-demo, twice without change."""
from engage.extensions import db
from engage.strategy import documents
from engage.strategy.models import (ActionProgress, BudgetFigures, BudgetLine, NetworkEvent, NetworkMember, PlanAction, PlanTheme,
                                    StrategyComment, StrategySection, StrategyVersion)

MODELS = (StrategyVersion, StrategySection, StrategyComment, PlanTheme, PlanAction, ActionProgress, BudgetLine, BudgetFigures,
          NetworkMember, NetworkEvent)


def _counts():
    return {m.__name__: db.session.scalar(db.select(db.func.count()).select_from(m)) for m in MODELS}


def test_demo_loads_once_and_again_without_change(seeded):
    from engage.demo import run_seeders

    first = _counts()
    assert first == {"StrategyVersion": 1, "StrategySection": 7, "StrategyComment": 3, "PlanTheme": 8, "PlanAction": 22,
                     "ActionProgress": 18, "BudgetLine": 12, "BudgetFigures": 12, "NetworkMember": 3, "NetworkEvent": 4}
    run_seeders()
    assert _counts() == first


def test_demo_strategy_is_adopted_with_its_published_responses(seeded):
    version = documents.adopted_version()
    assert version.title == "Halton Community Engagement Strategy 2005"
    assert [s.heading for s in version.sections][:3] == ["Why engagement matters", "Our principles", "The three products"]
    assert {s.key for s in version.sections} >= {"principles", "products", "roles", "network-group", "results"}
    total, answered = documents.comment_counts(version)
    assert total == answered == 3
    assert [t.to_state for t in version.transitions] == ["consultation", "adopted"]
