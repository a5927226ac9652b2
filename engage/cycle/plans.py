"""Thematic partnerships' action plans for a cycle year: actions (what, who leads, when, for
which outcome, funding), the PSG's decision on each (accept, or challenge with a reason), the
partnership's reply, and the moves of ``workflow.py``. Adoption turns the accepted actions into
the implementation plan's actions (engage/strategy/plan.py) in the same transaction, as one
compare-and-set move: two clicks never make two sets of actions. Functions flush; views commit.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..core.audit import record
from ..core.errors import RuleError
from ..core.i18n import N_
from ..core.mail import external_url, queue_mail
from ..core.models import utcnow
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..core.transitions import compare_and_set
from ..extensions import db
from ..partnership.models import Organisation, Outcome, Partnership
from . import services
from .models import DECISIONS, CycleYear, DraftAction, DraftPlan, DraftPlanMove
from .workflow import STATES, step_for

EDITABLE = ("draft", "returned")     # the partnership may add and change actions
REVIEWABLE = ("submitted", "final")  # the PSG may decide on actions


# ---- who may do what --------------------------------------------------------------------

def is_psg(user) -> bool:
    """Partnership officers act for the Performance and Standards Group; so do its members
    (the one list of members, kept by engage/performance)."""
    from ..performance.services import is_psg as member_or_officer

    return member_or_officer(user)


def coordinates(user, partnership: Partnership | None) -> bool:
    return bool(partnership is not None and user is not None and getattr(user, "is_authenticated", False)
                and any(c.id == user.id for c in partnership.coordinators))


def can_write(user, plan: DraftPlan) -> bool:
    return services.is_officer(user) or coordinates(user, plan.partnership)


def can_see(user, plan: DraftPlan) -> bool:
    """Draft plans are for partners: the partnership's coordinators, officers and practitioners."""
    if not (user is not None and getattr(user, "is_authenticated", False)):
        return False
    return can_write(user, plan) or user.has_role("practitioner", "coordinator")


# ---- starting and writing a plan ----------------------------------------------------------

def plan_for(cycle: CycleYear, partnership: Partnership) -> DraftPlan | None:
    return db.session.scalar(select(DraftPlan).where(DraftPlan.cycle_id == cycle.id, DraftPlan.partnership_id == partnership.id))


def start_plan(actor, cycle: CycleYear, partnership_id) -> DraftPlan:
    partnership = db.session.get(Partnership, to_id(partnership_id) or 0)
    if partnership is None or partnership.kind == "strategic":
        raise RuleError("Select a thematic partnership from the list", "partnership")
    if not (services.is_officer(actor) or coordinates(actor, partnership)):
        raise RuleError("Only the partnership's coordinator or a partnership officer can start its action plan.", "partnership")
    if plan_for(cycle, partnership) is not None:
        raise RuleError(f"{partnership.name} already has an action plan for {cycle.label}", "partnership")
    plan = DraftPlan(cycle=cycle, partnership=partnership, state="draft")
    db.session.add(plan)
    db.session.flush()
    record(actor, "create", plan, f"Started the {cycle.label} action plan of {partnership.name}", {})
    db.session.flush()
    return plan


def save_summary(actor, plan: DraftPlan, data: dict) -> None:
    if not can_write(actor, plan) or plan.state not in EDITABLE:
        raise RuleError("The plan can only be changed by its partnership while it is a draft or back with the partnership.")
    plan.summary = clean_text(data.get("summary"), 5000)
    plan.funding = clean_text(data.get("funding"), 5000)
    record(actor, "update", plan, "Changed the plan's summary and funding")
    db.session.flush()


def _action_values(data: dict) -> dict:
    activity = clean_text(data.get("activity"), 2000)
    if not activity:
        raise RuleError("Enter what will be done", "activity")
    lead = to_id(data.get("lead_organisation_id")) if data.get("lead_organisation_id") not in (None, "") else None
    if data.get("lead_organisation_id") not in (None, "") and (lead is None or db.session.get(Organisation, lead) is None):
        raise RuleError("Select the lead organisation from the list", "lead_organisation_id")
    outcome = to_id(data.get("outcome_id")) if data.get("outcome_id") not in (None, "") else None
    if outcome is None or db.session.get(Outcome, outcome) is None:
        raise RuleError("Select the outcome the action serves", "outcome_id")
    due = data.get("due_on")
    if not isinstance(due, date):
        raise RuleError("Enter when it will be done", "due_on")
    return {"activity": activity, "lead_organisation_id": lead, "outcome_id": outcome, "due_on": due,
            "funding": clean_text(data.get("funding"), 300)}


def add_action(actor, plan: DraftPlan, data: dict) -> DraftAction:
    if not can_write(actor, plan) or plan.state not in EDITABLE:
        raise RuleError("Actions can only be added by the partnership while the plan is a draft or back with it.")
    values = _action_values(data)
    action = DraftAction(plan=plan, position=max((a.position for a in plan.actions), default=0) + 1, **values)
    db.session.add(action)
    db.session.flush()
    record(actor, "update", plan, f"Added the action “{values['activity'][:80]}”", {"action": [None, action.id]})
    db.session.flush()
    return action


def remove_action(actor, plan: DraftPlan, action_id) -> None:
    if not can_write(actor, plan) or plan.state != "draft":
        raise RuleError("Actions can only be taken out while the plan is a draft.")
    action = next((a for a in plan.actions if a.id == to_id(action_id)), None)
    if action is None:
        raise RuleError("That action is not in this plan")
    record(actor, "update", plan, f"Took out the action “{action.activity[:80]}”", {"action": [action.id, None]})
    plan.actions.remove(action)
    db.session.flush()


# ---- the PSG's challenge and the partnership's reply -----------------------------------------

def decide(actor, plan: DraftPlan, action_id, decision: str, reason: str = "") -> DraftAction:
    """The PSG accepts an action or challenges it with its reason (plausible? a priority?).
    A later decision replaces an earlier one; each is kept in the plan's history."""
    if not is_psg(actor):
        raise RuleError("Only a member of the PSG or a partnership officer can record the PSG's decision.")
    if plan.state not in REVIEWABLE:
        raise RuleError("The PSG decides on actions while the plan is with it.")
    action = next((a for a in plan.actions if a.id == to_id(action_id)), None)
    if action is None:
        raise RuleError("That action is not in this plan")
    if decision not in ("accepted", "challenged"):
        raise RuleError("Select accept or challenge", "decision")
    reason = clean_text(reason, 3000)
    if decision == "challenged" and not reason:
        raise RuleError("Say why the PSG challenges this action", "reason")
    old = action.decision
    action.decision, action.decided_by_id, action.decided_at = decision, actor.id, utcnow()
    if decision == "challenged":
        if reason != action.challenge:
            action.reply, action.replied_at = "", None  # a new challenge needs a new reply
        action.challenge = reason
    record(actor, "decide", plan, f"PSG {DECISIONS[decision].lower()} “{action.activity[:60]}”" + (f": {reason[:120]}" if reason else ""),
           {"decision": [old, decision]})
    db.session.flush()
    return action


def reply(actor, plan: DraftPlan, action_id, text: str, changes: dict | None = None) -> DraftAction:
    """The partnership answers a challenge (and may change the action while it does)."""
    if not can_write(actor, plan):
        raise RuleError("Only the partnership's coordinator or a partnership officer can reply.")
    if plan.state != "returned":
        raise RuleError("The partnership replies to challenges once the PSG has sent them back.")
    action = next((a for a in plan.actions if a.id == to_id(action_id)), None)
    if action is None:
        raise RuleError("That action is not in this plan")
    if action.decision != "challenged":
        raise RuleError("Only a challenged action needs a reply")
    text = clean_text(text, 3000)
    if not text:
        raise RuleError("Enter the partnership's reply to the challenge", "reply")
    if changes:
        for name, value in _action_values(changes).items():
            setattr(action, name, value)
    action.reply, action.replied_at = text, utcnow()
    record(actor, "reply", plan, f"Replied to the challenge on “{action.activity[:60]}”: {text[:120]}")
    db.session.flush()
    return action


# ---- moves ------------------------------------------------------------------------------

def _officers() -> list[User]:
    return db.session.scalars(select(User).where(User.role == OFFICER, User.active.is_(True)).order_by(User.id)).all()


def _tell(people, plan: DraftPlan, move: DraftPlanMove, subject: str, lead: str) -> None:
    link = external_url("cycle.plan_page", plan_id=plan.id)
    for person in people:
        queue_mail(person.email, subject, f"Hello {person.name},\n\n{lead}\n\nSee the plan:\n{link}\n",
                   key=f"cycle-plan:{plan.id}:{move.id}:{person.id}", topic="cycle-plan")


def move(actor, plan: DraftPlan, action: str, reason: str = "", today: date | None = None) -> DraftPlanMove:
    """Make a move of the plan's table from the state it was read in. Rules first, then one
    compare-and-set (of two clicks one gets ``AlreadyMoved``), then the record and the mail."""
    state = plan.state
    step = step_for(action, state)
    if step is None:
        raise RuleError(f"A plan that is {STATES.get(state, state).lower()} cannot be moved that way.")
    from .workflow import PSG

    if (PSG in step.roles and not is_psg(actor)) or (PSG not in step.roles and not can_write(actor, plan)):
        raise RuleError("You cannot make this move.")
    acts = list(plan.actions)
    if action == "submit" and not acts:
        raise RuleError("Add at least one action before sending the plan.")
    if action == "return":
        if any(a.decision == "pending" for a in acts):
            raise RuleError("Record the PSG's decision on every action first.")
        if not any(a.decision == "challenged" for a in acts):
            raise RuleError("No action is challenged: adopt the plan instead.")
    if action == "submit_final" and any(a.decision == "challenged" and not a.reply for a in acts):
        raise RuleError("Reply to every challenge before sending the final plan.")
    if action == "adopt" and (not acts or any(a.decision != "accepted" for a in acts)):
        raise RuleError("Every action must be accepted before the plan is adopted.")
    compare_and_set(plan, {"state": state}, {"state": step.target}, done="moved this plan on")
    done = DraftPlanMove(plan=plan, actor_id=actor.id, action=action, from_state=state, to_state=step.target,
                         reason=clean_text(reason, 2000))
    db.session.add(done)
    db.session.flush()
    record(actor, "move", plan, f"{step.label}: {STATES[state]} → {STATES[step.target]}", {"state": [state, step.target]},
           said=(N_("%(step)s: %(before)s → %(after)s"), {"step": step.label, "before": STATES[state], "after": STATES[step.target]},
                 ("step", "before", "after")))
    name = plan.partnership.name
    if action in ("submit", "submit_final"):
        services.mark_done_by_event(actor, plan.cycle_id, plan.partnership_id, "draft_plan" if action == "submit" else "final_plan", today)
        _tell(_officers(), plan, done, f"{name} has sent its {'final' if action == 'submit_final' else 'draft'} action plan for {plan.cycle.label}",
              f"{name} has sent its {'final' if action == 'submit_final' else 'draft'} action plan for {plan.cycle.label}. "
              "Record the PSG's decision on each action.")
    elif action == "return":
        challenged = sum(1 for a in acts if a.decision == "challenged")
        _tell(plan.partnership.coordinators, plan, done, f"The PSG has challenged {challenged} action{'s' if challenged != 1 else ''} of your {plan.cycle.label} plan",
              f"The Performance and Standards Group has challenged {challenged} action{'s' if challenged != 1 else ''} of the "
              f"{name} action plan for {plan.cycle.label}. Reply to each challenge, then send the final plan.")
    elif action == "adopt":
        _adopt(actor, plan)
        _tell(plan.partnership.coordinators, plan, done, f"Your {plan.cycle.label} action plan is adopted",
              f"The {name} action plan for {plan.cycle.label} is adopted. Its actions are now in the implementation plan.")
    db.session.flush()
    return done


def _adopt(actor, plan: DraftPlan) -> None:
    """The accepted actions become implementation plan actions under a theme for this
    partnership and year, each linked to its outcome (engage.core.registry.links)."""
    from ..core.registry import links
    from ..strategy import plan as strategy_plan
    from ..strategy.models import PlanTheme

    name = f"{plan.partnership.short_name or plan.partnership.name} action plan {plan.cycle.label}"
    theme = db.session.scalar(select(PlanTheme).where(PlanTheme.name == name))
    if theme is None:
        theme = strategy_plan.save_theme(actor, None, {"name": name, "purpose": plan.summary or
                                                       f"What {plan.partnership.name} will do in {plan.cycle.label}."})
    plan.plan_theme_id = theme.id
    for a in plan.actions:
        made = strategy_plan.save_action(actor, None, {
            "activity": a.activity, "theme_id": theme.id, "purpose": f"Outcome: {a.outcome}" if a.outcome else "",
            "timescale": plan.cycle.label, "due_on": a.due_on, "lead_organisation_id": a.lead_organisation_id,
            "partnership_id": plan.partnership_id, "priority_id": a.outcome.priority_id if a.outcome else None})
        a.plan_action_id = made.id
        if a.outcome_id and links.get("outcome") is not None:
            strategy_plan.add_link(actor, made, "outcome", a.outcome_id)
    record(actor, "update", plan, f"Adopted: {len(plan.actions)} actions added to the implementation plan under “{name}”")
    db.session.flush()


def waiting_counts(cycle: CycleYear) -> dict[str, int]:
    out = {k: 0 for k in STATES}
    for p in cycle.plans:
        out[p.state] += 1
    return out
