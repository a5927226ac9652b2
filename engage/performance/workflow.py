"""The life of a ladder stage, as a table of states x moves x roles, registered with
engage/core/workflows.py (the "what happens next" macro shows it; tests/foundation walks it).

A stage starts when a six-monthly review finds the target below its monitoring level (or
when the PSG starts it by hand). Stage 3 first needs a PSG member named. The owner records
the plan, then reports back by the report-back date; the PSG (or an officer) may ask for a
further report. Two moves happen by themselves when a review is worked out: ``close`` (the
target is back at or above its monitoring level) and ``escalate`` (below again: the next
stage starts). The PSG may withdraw a stage, with its reason. Every move is a
compare-and-set on the state it starts from, recorded in ``LadderMove``. The table starts at
"nominating" (stage 3); stages 1 and 2 start at "planning", their owner being known.
"""
from __future__ import annotations

from ..core import workflows
from ..core.i18n import N_
from .models import FINAL_STATES, OPEN_STATES, STAGE_STATES

OWNER, PSG, OFFICER = "owner", "psg", "officer"
ROLES = {
    OWNER: N_("the stage's owner (its named officer, or a coordinator of the target's partnership)"),
    PSG: N_("a member of the Performance and Standards Group"),
    OFFICER: N_("a partnership officer"),
}

S = workflows.step
TABLE: list[workflows.Step] = [
    S("nominate", N_("Name the PSG member"), "nominating", "planning", {PSG, OFFICER},
      does=N_("Names the member of the Performance and Standards Group who will agree a revised plan. They are emailed.")),
    S("record-plan", N_("Record the plan"), "planning", "acting", {OWNER, PSG, OFFICER},
      does=N_("Saves the plan to tackle the shortfall. The report-back date stays as it is.")),
    S("report-back", N_("Report back"), "acting", "reported", {OWNER, OFFICER},
      does=N_("Saves the report on progress for the group it reports to. The stage stays open until the target is back above its monitoring level.")),
    S("ask-again", N_("Ask for a further report"), "reported", "acting", {PSG, OFFICER},
      does=N_("Asks for another report in three months, with your reason. The owner is emailed.")),
]
for _state in OPEN_STATES:
    TABLE.append(S("withdraw", N_("Withdraw this stage"), _state, "withdrawn", {PSG, OFFICER},
                   does=N_("Ends this stage without waiting for the figures, with your reason (for example, it was started by mistake).")))
    TABLE.append(S("close", N_("Close"), _state, "closed", automatic=True,
                   does=N_("Happens when a six-monthly review finds the target back at or above its monitoring level.")))
    TABLE.append(S("escalate", N_("Move up the ladder"), _state, "escalated", automatic=True,
                   does=N_("Happens when a review finds the target below its monitoring level again (or the PSG starts a higher stage): the next stage starts.")))


def steps_from(state: str, action: str) -> workflows.Step | None:
    return next((s for s in TABLE if s.source == state and s.action == action), None)


def _may(step, stage, user) -> bool:
    from . import services

    return services.may(user, stage, step)


def _href(step, stage):
    from flask import url_for

    return url_for("performance.stage", stage_id=stage.id, _anchor=f"do-{step.action}")


WORKFLOW = workflows.register(workflows.Workflow(
    name="performance.stage", title=N_("Ladder stage"), states=STAGE_STATES, start="nominating", final=set(FINAL_STATES),
    roles=ROLES, steps=lambda: TABLE, state_of=lambda stage: stage.state, may=_may, href=_href))
