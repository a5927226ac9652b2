"""A thematic partnership's action plan for the year, as a table of states and moves:

draft --send--> with the PSG --challenge--> back with the partnership --send final--> final
with the PSG or final --adopt--> adopted (its actions become the implementation plan's).

The partnership (its coordinators, or a partnership officer) writes and sends; the
Performance and Standards Group's decisions are recorded by one of its members (the list kept
by engage/performance) or a partnership officer. Every move
is a compare-and-set on the state it starts from and is recorded (``DraftPlanMove``).
"""
from __future__ import annotations

from ..core import workflows
from ..core.i18n import N_, gettext

PARTNERSHIP, PSG = "partnership", "psg"
ROLES = {PARTNERSHIP: N_("the partnership's coordinator or a partnership officer"),
         PSG: N_("a member of the Performance and Standards Group or a partnership officer")}

TABLE = [
    workflows.step("submit", N_("Send the draft plan to the PSG"), "draft", "submitted", {PARTNERSHIP},
                   does=N_("Sends the plan to the Performance and Standards Group to challenge. Partnership officers are emailed. "
                        "The draft plan step of the annual cycle is marked done.")),
    workflows.step("return", N_("Send the challenges back"), "submitted", "returned", {PSG},
                   does=N_("Every action must have a decision. The partnership's coordinators are emailed to reply to each challenge.")),
    workflows.step("return", N_("Send the challenges back"), "final", "returned", {PSG},
                   does=N_("Every action must have a decision. The partnership's coordinators are emailed to reply to each challenge.")),
    workflows.step("submit_final", N_("Send the final plan"), "returned", "final", {PARTNERSHIP},
                   does=N_("Every challenged action needs a reply first. Partnership officers are emailed; "
                        "the final plan step of the annual cycle is marked done.")),
    workflows.step("adopt", N_("Adopt into the implementation plan"), "submitted", "adopted", {PSG},
                   does=N_("Every action must be accepted. Each becomes an action of the implementation plan, "
                        "under a theme for this partnership and year."),
                   confirm=N_("Adopt this plan? Its actions join the implementation plan.")),
    workflows.step("adopt", N_("Adopt into the implementation plan"), "final", "adopted", {PSG},
                   does=N_("Every action must be accepted. Each becomes an action of the implementation plan, "
                        "under a theme for this partnership and year."),
                   confirm=N_("Adopt this plan? Its actions join the implementation plan.")),
]

STATES = {"draft": N_("Draft"), "submitted": N_("With the PSG"), "returned": N_("Back with the partnership"),
          "final": N_("Final plan with the PSG"), "adopted": N_("Adopted")}


def step_for(action: str, state: str):
    return next((s for s in TABLE if s.action == action and s.source == state), None)


def _may(step, plan, user) -> bool:
    from . import plans

    if PSG in step.roles:
        return plans.is_psg(user)
    return plans.can_write(user, plan)


def _who_now(step, plan) -> str | None:
    if PARTNERSHIP in step.roles and plan.partnership is not None:
        return gettext("a coordinator of %(partnership)s, or a partnership officer", partnership=plan.partnership.name)
    return None


WORKFLOW = workflows.register(workflows.Workflow(
    name="cycle.plan", title=N_("Action plan"), states=STATES, start="draft", final={"adopted"}, roles=ROLES,
    steps=lambda: TABLE, state_of=lambda plan: plan.state, may=_may, who_now=_who_now))
