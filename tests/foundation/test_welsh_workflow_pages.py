"""The "What happens next" and "Changes" macros in Welsh (issue 23): a workflow's title, state,
moves, who may make each one and what it does come from its table in Python (marked for the
catalogue, translated where shown: templates/macros/workflow.html and ``Workflow.who``), and a
move recorded with ``said`` shows in the "Changes" list in the reader's language. Read on a
cycle action plan (both macros), a strategy version and a ladder stage: first in English, then
in Welsh, with lang="cy", the Welsh there and none of the English left."""
from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from tests.i18n_support import assert_pages_in_welsh


def test_the_workflow_and_history_macros_are_in_welsh(seeded, client, login):
    from engage.cycle.models import DraftPlan
    from engage.performance.models import LadderStage
    from engage.strategy.models import StrategyVersion

    plans = dict(db.session.execute(select(DraftPlan.state, DraftPlan.id).order_by(DraftPlan.id.desc())).all())
    versions = dict(db.session.execute(select(StrategyVersion.state, StrategyVersion.id)).all())
    stage = db.session.scalar(select(LadderStage.id).where(LadderStage.state == "planning").order_by(LadderStage.id))
    login("officer")
    assert_pages_in_welsh(client, {
        f"/cycle/plans/{plans['adopted']}": ("Mabwysiadu i’r cynllun gweithredu: Cynllun terfynol gyda’r Grŵp Perfformiad a Safonau → Wedi’i mabwysiadu", [
            "Action plan status:", "Nothing more happens to it: it is adopted.",
            # "Changes": each move in the reader's language
            "Adopt into the implementation plan: Final plan with the PSG → Adopted",
            "Send the final plan: Back with the partnership → Final plan with the PSG"]),
        f"/cycle/plans/{plans['submitted']}": ("aelod o’r Grŵp Perfformiad a Safonau neu swyddog partneriaeth", [
            "Action plan status:", ">With the PSG<", "Send the challenges back",
            "a member of the Performance and Standards Group or a partnership officer",
            "Every action must have a decision", "Every action must be accepted"]),
        f"/admin/strategy/versions/{versions['consultation']}": ("Ar gael i roi sylwadau", [
            "Strategy version status:", ">Out for comment<", "Waiting for a partnership officer.",
            "Who can do it: a partnership officer.", "Stops comments and lets you change the sections again",
            "Makes this version the strategy everyone sees"]),
        f"/performance/stages/{stage}": ("Yn cadw’r cynllun i fynd i’r afael â’r diffyg", [
            "Ladder stage status:", "its named officer, or a coordinator of the target", " or a member of the Performance",
            "Saves the plan to tackle the shortfall", "Ends this stage without waiting for the figures",
            "Happens by itself.", "Happens when a six-monthly review finds the target back"]),
    }, all_found=True)


def test_review_as_a_noun_and_going_back_have_their_own_welsh(seeded, client, login):
    """"Review" is a verb on a button (Adolygu) and a noun over the six-monthly figures
    (``pgettext("noun", "Review")``: Adolygiad); "No, go back" is the button's wording (Na, ewch yn ôl)."""
    from engage.partnership.models import Indicator
    from engage.strategy.models import PlanAction

    indicator = db.session.scalar(select(Indicator.id).where(Indicator.monitoring_level.is_not(None)).order_by(Indicator.id))
    action = db.session.scalar(select(PlanAction.id).order_by(PlanAction.id))
    login("officer")
    assert '<th scope="col" class="govuk-table__header">Review</th>' in client.get(f"/performance/targets/{indicator}").text
    client.get("/language/cy")
    target = client.get(f"/performance/targets/{indicator}").text
    assert '<th scope="col" class="govuk-table__header">Adolygiad</th>' in target
    assert ">Adolygu<" not in target and ">Review<" not in target
    delete = client.get(f"/admin/plan/actions/{action}/delete").text
    assert ">Na, ewch yn ôl<" in delete and "Na, mynd yn ôl" not in delete
    from engage.core.i18n import gettext, pgettext, writing_in

    with writing_in("cy"):  # the verb keeps its own Welsh (the suggestions list's "Review" link)
        assert gettext("Review") == "Adolygu" and pgettext("noun", "Review") == "Adolygiad"
