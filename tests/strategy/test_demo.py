"""The demo's strategy, plan, budget and Network Group: loaded by seed-demo, twice without change."""
from engage.extensions import db
from engage.strategy import documents
from engage.strategy.models import (ActionProgress, BudgetFigures, BudgetLine, NetworkEvent, NetworkMember, PlanAction, PlanTheme,
                                    StrategyComment, StrategySection, StrategyVersion)

MODELS = (StrategyVersion, StrategySection, StrategyComment, PlanTheme, PlanAction, ActionProgress, BudgetLine, BudgetFigures,
          NetworkMember, NetworkEvent)


def _counts():
    """Records of each kind; budget lines and figures of the activity budget only (funded
    projects' lines, book "funding", are the funding demo's: tests/funding)."""
    out = {}
    for m in MODELS:
        q = db.select(db.func.count()).select_from(m)
        if m is BudgetLine:
            q = q.where(BudgetLine.book == "")
        elif m is BudgetFigures:
            q = q.join(BudgetLine).where(BudgetLine.book == "")
        out[m.__name__] = db.session.scalar(q)
    return out


def test_demo_loads_once_and_again_without_change(seeded):
    from engage.demo import run_seeders

    first = _counts()
    # The adopted Community Engagement Strategy (7 sections, 3 comments), the Young People's
    # Participation Strategy out for comment (3 sections, 2 comments waiting for a response) and
    # the Older People's Engagement Charter, a draft (2 sections). The plan: 8 themes and 22
    # actions of its own, and the Safer Halton Partnership's 2006/07 action plan adopted through
    # the annual cycle (engage/cycle/demo.py): one theme and 3 actions more.
    assert first == {"StrategyVersion": 3, "StrategySection": 12, "StrategyComment": 5, "PlanTheme": 9, "PlanAction": 25,
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


def test_demo_has_a_version_out_for_comment_anyone_can_comment_on(seeded):
    (version,) = documents.open_for_comment(None)
    assert version.state == "consultation" and version.public_comments and documents.comments_open(version)
    assert documents.can_comment(None, version)   # members of the public too
    total, answered = documents.comment_counts(version)
    assert total == 2 and answered == 0
    assert [t.to_state for t in version.transitions] == ["consultation"]
