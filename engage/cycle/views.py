"""Pages of the annual cycle (the calendar is public; the template and the action plans are
for partners) and the action plans' forms. Views read the form, call the service, commit once."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER
from ..core import concurrency
from ..core.audit import history
from ..core.concurrency import EditConflict
from ..core.errors import RuleError, not_found
from ..core.forms import attach_error, form_status
from ..core.params import to_id, to_int
from ..core.security import role_required
from ..core.transitions import AlreadyMoved
from ..extensions import db
from ..partnership.models import Organisation, Outcome, Priority, Framework
from . import bp, plans, services
from .forms import ActionForm, DecisionForm, DoneForm, MoveForm, ReplyForm, StartPlanForm, SummaryForm, TemplateStepForm, YearForm
from .models import MONTHS, CycleStep, CycleTemplateStep, DraftPlan
from .workflow import STATES, step_for
from sqlalchemy import select

STAFF = (PRACTITIONER, COORDINATOR)


def _year(number):
    n = to_int(number, 1990, 2200)
    cycle = services.year(n) if n else None
    if cycle is None:
        not_found("There is no annual cycle for that year.")
    return cycle


def _rule(form, error):
    db.session.rollback()
    if isinstance(error, AlreadyMoved):
        raise error
    attach_error(form, error)


# ---- the calendar (public) ------------------------------------------------------------------

@bp.route("/")
def index():
    rows = services.years()
    return render_template("cycle/index.html", years=rows, counts={y.id: services.counts(y) for y in rows},
                           template=services.template(), is_officer=services.is_officer(current_user),
                           year_form=YearForm() if services.is_officer(current_user) else None)


@bp.route("/<number>")
def year_page(number, done_form=None, status=200):
    cycle = _year(number)
    return render_template("cycle/year.html", cycle=cycle, rows=services.rows_of(cycle), counts=services.counts(cycle),
                           status_of=services.status_of, statuses=services.STATUSES, today=services._today(),
                           can_mark=lambda s: services.can_mark_done(current_user, s) and not (s.event and not services.is_officer(current_user)),
                           done_form=done_form or DoneForm(), signed_in=current_user.is_authenticated), status


@bp.route("/steps/<step_id>/done", methods=["POST"])
@role_required(*STAFF)
def step_done(step_id):
    step = db.session.get(CycleStep, to_id(step_id) or 0)
    if step is None:
        not_found("There is no step of the annual cycle at this address.")
    if not services.can_mark_done(current_user, step):
        abort(403)
    form = DoneForm()
    if form.validate_on_submit():
        try:
            services.mark_done(current_user, step, form.note.data)
        except RuleError as error:
            _rule(form, error)
        else:
            db.session.commit()
            flash(f"Marked done: {step.title} ({step.who}).", "success")
            return redirect(url_for("cycle.year_page", number=step.cycle.year, _anchor=f"step-{step.id}"))
    return year_page(step.cycle.year, done_form=form, status=400)


@bp.route("/new", methods=["POST"])
@role_required(OFFICER)
def new_year():
    form = YearForm()
    if form.validate_on_submit():
        try:
            cycle = services.generate_year(current_user, form.year.data)
        except RuleError as error:
            _rule(form, error)
        else:
            db.session.commit()
            flash(f"The {cycle.label} cycle is set up with {len(cycle.steps)} steps.", "success")
            return redirect(url_for("cycle.year_page", number=cycle.year))
    rows = services.years()
    return render_template("cycle/index.html", years=rows, counts={y.id: services.counts(y) for y in rows},
                           template=services.template(), is_officer=True, year_form=form), 400


# ---- the template (officers) ---------------------------------------------------------------

@bp.route("/template")
@role_required(OFFICER)
def template_page():
    return render_template("cycle/template.html", steps=services.template(), months=MONTHS)


def _template_data(form):
    return {"title": form.title.data, "activity": form.activity.data, "opens_month": form.opens_month.data,
            "opens_day": form.opens_day.data, "due_month": form.due_month.data, "due_day": form.due_day.data,
            "submitter": form.submitter.data, "event": form.event.data or "", "board_output": form.board_output.data,
            "position": form.position.data}


@bp.route("/template/new", methods=["GET", "POST"])
@bp.route("/template/<step_id>/edit", methods=["GET", "POST"])
@role_required(OFFICER)
def template_step(step_id=None):
    step = None
    if step_id is not None:
        step = db.session.get(CycleTemplateStep, to_id(step_id) or 0)
        if step is None:
            not_found("There is no step of the template at this address.")
    form = TemplateStepForm(obj=step)
    if step is not None and not form.is_submitted():
        form.opens_month.data, form.due_month.data = str(step.opens_month), str(step.due_month)
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_template_step(current_user, step, _template_data(form), form.version.data if step else None)
        except (EditConflict, *concurrency.CONFLICTS) as error:
            db.session.rollback()
            found = concurrency.as_conflict(error, CycleTemplateStep, step.id, form.version.data)
            found.apply(form)
            conflict = found.describe(form)
        except RuleError as error:
            _rule(form, error)
        else:
            db.session.commit()
            flash("Step saved. Years set up from now on use it.", "success")
            return redirect(url_for("cycle.template_page"))
    return render_template("cycle/template_step.html", form=form, step=step, conflict=conflict), form_status(form, conflict)


# ---- action plans (partners) ----------------------------------------------------------------

def _plan(plan_id) -> DraftPlan:
    plan = db.session.get(DraftPlan, to_id(plan_id) or 0)
    if plan is None:
        not_found("There is no action plan at this address.")
    if not plans.can_see(current_user, plan):
        abort(403)
    return plan


@bp.route("/<number>/plans", methods=["GET", "POST"])
@role_required(*STAFF)
def plans_page(number):
    cycle = _year(number)
    form = StartPlanForm()
    choices = [(p.id, p.name) for p in services.thematic_partnerships()
               if plans.plan_for(cycle, p) is None and (services.is_officer(current_user) or plans.coordinates(current_user, p))]
    form.partnership.choices = [("", "Choose")] + choices
    if form.validate_on_submit():
        try:
            plan = plans.start_plan(current_user, cycle, form.partnership.data)
        except RuleError as error:
            _rule(form, error)
        else:
            db.session.commit()
            return redirect(url_for("cycle.plan_page", plan_id=plan.id))
    return render_template("cycle/plans.html", cycle=cycle, form=form if choices else None, states=STATES,
                           waiting=plans.waiting_counts(cycle)), form_status(form)


def _outcome_choices():
    rows = db.session.scalars(select(Outcome).join(Priority).join(Framework)
                              .order_by(Framework.starts_on.desc(), Priority.position, Outcome.code)).all()
    return [("", "Choose")] + [(o.id, f"{o.code} {o.title}".strip()) for o in rows]


def _action_form(form=None):
    form = form or ActionForm()
    form.lead_organisation_id.choices = [("", "Choose")] + [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]
    form.outcome_id.choices = _outcome_choices()
    return form


def _plan_view(plan, status=200, **forms):
    writable = plans.can_write(current_user, plan)
    psg = plans.is_psg(current_user)
    moves = [s for s in (step_for(a, plan.state) for a in ("submit", "return", "submit_final", "adopt")) if s is not None]
    moves = [s for s in moves if (psg if "psg" in s.roles else writable)]
    return render_template(
        "cycle/plan.html", plan=plan, states=STATES, history=history(plan), moves=moves,
        action_form=forms.get("action_form") or (_action_form() if writable and plan.state in plans.EDITABLE else None),
        summary_form=forms.get("summary_form") or (SummaryForm(obj=plan) if writable and plan.state in plans.EDITABLE else None),
        decision_forms=forms.get("decision_forms") or ({a.id: DecisionForm(prefix=f"d{a.id}") for a in plan.actions}
                                                      if psg and plan.state in plans.REVIEWABLE else {}),
        reply_forms=forms.get("reply_forms") or ({a.id: ReplyForm(prefix=f"r{a.id}") for a in plan.actions if a.decision == "challenged"}
                                                if writable and plan.state == "returned" else {}),
        move_form=forms.get("move_form") or MoveForm(), errors_form=forms.get("errors_form"),
        can_remove=writable and plan.state == "draft"), status


@bp.route("/plans/<plan_id>")
@role_required(*STAFF)
def plan_page(plan_id):
    return _plan_view(_plan(plan_id))


@bp.route("/plans/<plan_id>/summary", methods=["POST"])
@role_required(*STAFF)
def plan_summary(plan_id):
    plan = _plan(plan_id)
    if not plans.can_write(current_user, plan):
        abort(403)
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            plans.save_summary(current_user, plan, {"summary": form.summary.data, "funding": form.funding.data})
        except RuleError as error:
            _rule(form, error)
            plan = _plan(plan_id)
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("cycle.plan_page", plan_id=plan.id))
    return _plan_view(plan, 400, summary_form=form, errors_form=form)


@bp.route("/plans/<plan_id>/actions", methods=["POST"])
@role_required(*STAFF)
def plan_add_action(plan_id):
    plan = _plan(plan_id)
    if not plans.can_write(current_user, plan):
        abort(403)
    form = _action_form()
    if form.validate_on_submit():
        try:
            plans.add_action(current_user, plan, {"activity": form.activity.data, "lead_organisation_id": form.lead_organisation_id.data,
                                                  "due_on": form.due_on.data, "outcome_id": form.outcome_id.data,
                                                  "funding": form.funding.data})
        except RuleError as error:
            _rule(form, error)
            plan = _plan(plan_id)
        else:
            db.session.commit()
            flash("Action added.", "success")
            return redirect(url_for("cycle.plan_page", plan_id=plan.id, _anchor="actions"))
    return _plan_view(plan, 400, action_form=form, errors_form=form)


@bp.route("/plans/<plan_id>/actions/<action_id>/remove", methods=["POST"])
@role_required(*STAFF)
def plan_remove_action(plan_id, action_id):
    plan = _plan(plan_id)
    if not plans.can_write(current_user, plan):
        abort(403)
    try:
        plans.remove_action(current_user, plan, action_id)
    except RuleError as error:
        db.session.rollback()
        not_found(str(error))
    db.session.commit()
    flash("Action taken out.", "success")
    return redirect(url_for("cycle.plan_page", plan_id=plan.id, _anchor="actions"))


@bp.route("/plans/<plan_id>/actions/<action_id>/decision", methods=["POST"])
@role_required(*STAFF)
def plan_decide(plan_id, action_id):
    plan = _plan(plan_id)
    if not plans.is_psg(current_user):
        abort(403)
    aid = to_id(action_id)
    if aid is None or not any(a.id == aid for a in plan.actions):
        not_found("That action is not in this plan.")
    form = DecisionForm(prefix=f"d{aid}")
    if form.validate_on_submit():
        try:
            plans.decide(current_user, plan, aid, form.decision.data, form.reason.data)
        except RuleError as error:
            _rule(form, error)
            plan = _plan(plan_id)
        else:
            db.session.commit()
            flash("Decision recorded.", "success")
            return redirect(url_for("cycle.plan_page", plan_id=plan.id, _anchor=f"action-{aid}"))
    forms = {a.id: DecisionForm(prefix=f"d{a.id}", formdata=None) for a in plan.actions}
    forms[aid] = form
    return _plan_view(plan, 400, decision_forms=forms, errors_form=form)


@bp.route("/plans/<plan_id>/actions/<action_id>/reply", methods=["POST"])
@role_required(*STAFF)
def plan_reply(plan_id, action_id):
    plan = _plan(plan_id)
    if not plans.can_write(current_user, plan):
        abort(403)
    aid = to_id(action_id)
    if aid is None or not any(a.id == aid for a in plan.actions):
        not_found("That action is not in this plan.")
    form = ReplyForm(prefix=f"r{aid}")
    if form.validate_on_submit():
        try:
            plans.reply(current_user, plan, aid, form.reply.data)
        except RuleError as error:
            _rule(form, error)
            plan = _plan(plan_id)
        else:
            db.session.commit()
            flash("Reply saved.", "success")
            return redirect(url_for("cycle.plan_page", plan_id=plan.id, _anchor=f"action-{aid}"))
    forms = {a.id: ReplyForm(prefix=f"r{a.id}", formdata=None) for a in plan.actions if a.decision == "challenged"}
    forms[aid] = form
    return _plan_view(plan, 400, reply_forms=forms, errors_form=form)


@bp.route("/plans/<plan_id>/move/<action>", methods=["POST"])
@role_required(*STAFF)
def plan_move(plan_id, action):
    plan = _plan(plan_id)
    if action not in {"submit", "return", "submit_final", "adopt"}:
        not_found("That is not a move of an action plan.")
    allowed = plans.is_psg(current_user) if action in {"return", "adopt"} else plans.can_write(current_user, plan)
    if not allowed:
        abort(403)
    step = step_for(action, plan.state)
    if step is None:
        raise AlreadyMoved(f"This plan is now {STATES.get(plan.state, plan.state).lower()}: it cannot be moved that way. "
                           "Nothing was changed: reload the page to see where it is now.")
    form = MoveForm()
    if form.validate_on_submit():
        try:
            plans.move(current_user, plan, action, form.reason.data)
        except RuleError as error:
            _rule(form, error)
            plan = _plan(plan_id)
        else:
            db.session.commit()
            flash(f"Done: {step.label}.", "success")
            return redirect(url_for("cycle.plan_page", plan_id=plan.id))
    return _plan_view(plan, 400, move_form=form, errors_form=form)
