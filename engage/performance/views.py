"""Pages of performance management. Public: the targets and their stages, a target's
figures period by period, a stage (with residents' evidence), a period and its exception
report (page and Word). Staff: the PSG's stages by hand and the stage moves (role checks
here and in the services), and officers' periods, PSG members and target settings."""
from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..core.errors import RuleError
from ..core.forms import attach_error, form_status
from ..core.registry import outcome_evidence
from ..core.security import role_required
from ..extensions import db
from . import bp, report, services
from .forms import ButtonForm, MoveForm, PeriodForm, PsgForm, SettingForm, StartForm
from .models import STAGE_STATES, STAGE_WORDS, LadderMove
from .workflow import TABLE, steps_from


def forbidden(message: str):
    """A 403 whose message is shown to the person (plain words)."""
    from werkzeug.exceptions import Forbidden

    error = Forbidden(message)
    error.engage_message = True
    raise error


def _partnership_name() -> str:
    return current_app.config.get("ENGAGE_PARTNERSHIP_NAME") or current_app.config["ENGAGE_SITE_NAME"]


def account_links(user, _viewer=None):
    """Performance work in the signed-in person's "What you can do" list."""
    from ..core.i18n import gettext

    items = [(url_for("performance.index"), gettext("See targets, the ladder of intervention and exception reports"))]
    if services.is_officer(user):
        items.append((url_for("performance.manage"), gettext("Manage monitoring periods and the PSG")))
    return Markup("".join(f'<li><a class="govuk-link" href="{escape(h)}">{escape(t)}</a></li>' for h, t in items))


# ---- public -----------------------------------------------------------------------------

@bp.route("/performance")
def index():
    rows = []
    for indicator in services.targets():
        points = services.series(indicator)
        rows.append((indicator, points[-1] if points else None, services.open_stage(indicator)))
    return render_template("performance/index.html", rows=rows, periods=services.periods(), words=STAGE_WORDS,
                           partnership_of=services.partnership_of)


@bp.route("/performance/targets/<indicator_id>")
def target(indicator_id, start_form=None, setting_form=None, status=200):
    indicator = services.get_target(indicator_id)
    if indicator.monitoring_level is None:
        from ..core.errors import not_found

        not_found("This indicator has no monitoring level, so it is not monitored on the ladder.")
    start_form = start_form or StartForm(formdata=None)
    setting_form = setting_form or _setting_form(indicator, formdata=None)
    return render_template("performance/target.html", indicator=indicator, points=services.series(indicator),
                           stages=services.stages_of(indicator), annual=services.annual_only(indicator),
                           partnership=services.partnership_of(indicator), can_start=services.is_psg(current_user),
                           can_manage=services.can_manage(current_user), start_form=start_form, setting_form=setting_form,
                           figure=report.figure), status


def _setting_form(indicator, formdata=...):
    found = services.setting(indicator)
    kwargs = {} if formdata is ... else {"formdata": formdata}
    form = SettingForm(**kwargs, annual_only=bool(found and found.annual_only),
                       lead_officer_id=str(found.lead_officer_id) if found and found.lead_officer_id else "")
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    form.lead_officer_id.choices = [("", "No lead officer")] + [(str(u.id), u.name) for u in people]
    return form


@bp.route("/performance/targets/<indicator_id>/start", methods=["POST"])
@role_required(OFFICER, "coordinator", "practitioner", "vcs")
def start(indicator_id):
    indicator = services.get_target(indicator_id)
    if not services.is_psg(current_user):
        forbidden("Only a member of the Performance and Standards Group can start a stage by hand.")
    form = StartForm()
    if form.validate_on_submit():
        try:
            stage = services.start_by_hand(current_user, indicator, form.stage.data, form.reason.data)
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(f"Stage {stage.stage} started.", "success")
            return redirect(url_for("performance.stage", stage_id=stage.id))
    return target(indicator_id, start_form=form, status=form_status(form))


@bp.route("/performance/targets/<indicator_id>/settings", methods=["POST"])
@role_required(OFFICER)
def target_settings(indicator_id):
    indicator = services.get_target(indicator_id)
    form = _setting_form(indicator, formdata=request.form)
    if form.validate_on_submit():
        try:
            services.set_target(current_user, indicator, form.annual_only.data, form.lead_officer_id.data or None)
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("performance.target", indicator_id=indicator.id))
    return target(indicator_id, setting_form=form, status=form_status(form))


def _move_form(stage, formdata=...):
    kwargs = {} if formdata is ... else {"formdata": formdata}
    form = MoveForm(**kwargs)
    form.nominee_id.choices = [("", "Select a member")] + [(str(u.id), u.name) for u in services.psg_members()]
    return form


@bp.route("/performance/stages/<stage_id>")
def stage(stage_id, form=None, status=200):
    item = services.get_stage(stage_id)
    steps = [s for s in TABLE if s.source == item.state and services.may(current_user, item, s)]
    indicator = item.indicator
    evidence = outcome_evidence.find([indicator.outcome_id], current_user)
    return render_template("performance/stage.html", stage=item, indicator=indicator, steps=steps,
                           form=form or _move_form(item, formdata=None), blank=_move_form(item, formdata=None),
                           failed=(form.action.data if form else None),
                           moves=db.session.scalars(select(LadderMove).where(LadderMove.stage_id == item.id).order_by(LadderMove.id)).all(),
                           evidence=evidence, partnership=services.partnership_of(indicator), when=report.when,
                           states=STAGE_STATES), status


@bp.route("/performance/stages/<stage_id>/move", methods=["POST"])
@role_required(OFFICER, "coordinator", "practitioner", "vcs")
def move(stage_id):
    item = services.get_stage(stage_id)
    if not any(services.may(current_user, item, s) for s in TABLE if s.source == item.state):
        forbidden("You cannot move this stage on. Its owner, or the Performance and Standards Group, can.")
    form = _move_form(item, formdata=request.form)
    if not form.validate_on_submit():
        return stage(stage_id, form=form, status=400)
    step = steps_from(item.state, form.action.data or "")
    if step is not None and not step.automatic and not services.may(current_user, item, step):
        forbidden("You cannot do that to this stage.")
    try:
        services.move(current_user, item, form.action.data or "", form.data)
    except RuleError as error:
        db.session.rollback()
        from ..core.transitions import AlreadyMoved

        if isinstance(error, AlreadyMoved):
            raise
        item = services.get_stage(stage_id)
        attach_error(form, error)
        return stage(stage_id, form=form, status=400)
    db.session.commit()
    flash("Saved.", "success")
    return redirect(url_for("performance.stage", stage_id=item.id))


@bp.route("/performance/periods/<period_id>")
def period(period_id):
    item = services.get_period(period_id)
    built = report.build(item)
    rows = []
    reviews = [p for p in services.periods("six-monthly") if p.ends_on <= item.ends_on]
    for indicator in services.targets():
        points = services.series(indicator, upto=item) if reviews else []
        point = points[-1] if points and points[-1].period.id == (reviews[-1].id if reviews else None) else None
        rows.append((indicator, point, report._stage_then(indicator, item)))
    from ..strategy import board_report, budget, plan

    actions = plan.actions(on=item.ends_on)
    quarter = budget.quarter_of(item.ends_on)   # the money for the quarter the period ends in
    money = quarter if quarter in board_report.available() else None
    return render_template("performance/period.html", period=item, rows=rows, review=reviews[-1] if reviews else None,
                           counts=plan.status_counts(actions, item.ends_on), labels=plan.ACTION_STATUSES, report=built,
                           figure=report.figure, partnership_of=services.partnership_of, money=money)


@bp.route("/performance/periods/<period_id>/exceptions")
def exceptions(period_id):
    built = report.build(services.get_period(period_id))
    return render_template("performance/exceptions.html", report=built, when=report.when, figure=report.figure,
                           partnership_name=_partnership_name())


@bp.route("/performance/periods/<period_id>/exceptions.docx")
def exceptions_docx(period_id):
    from ..core.i18n import default_language, writing_in

    with writing_in(default_language()):  # the board's papers: in the site's own language throughout
        built = report.build(services.get_period(period_id))
        body = report.to_docx(built, _partnership_name())
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename={built.filename}"})


# ---- officers ----------------------------------------------------------------------------

def _psg_form(formdata=...):
    kwargs = {} if formdata is ... else {"formdata": formdata}
    form = PsgForm(**kwargs)
    members = {u.id for u in services.psg_members()}
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    form.user_id.choices = [("", "Select a person")] + [(str(u.id), u.name) for u in people if u.id not in members]
    return form


@bp.route("/performance/manage", methods=["GET", "POST"])
@role_required(OFFICER)
def manage():
    form = PeriodForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.save_period(current_user, form.data)
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Period added.", "success")
            return redirect(url_for("performance.manage"))
    return _manage_page(form=form, status=form_status(form) if request.method == "POST" else 200)


def _manage_page(form=None, psg_form=None, status=200):
    from .models import PsgMember

    members = db.session.scalars(select(PsgMember).join(User, User.id == PsgMember.user_id).order_by(User.name)).all()
    return render_template("performance/manage.html", periods=services.periods(), form=form or PeriodForm(formdata=None),
                           psg_form=psg_form or _psg_form(formdata=None), members=members, button=ButtonForm(formdata=None),
                           due=services.reminders_due()), status


@bp.route("/performance/manage/psg", methods=["POST"])
@role_required(OFFICER)
def psg_add():
    form = _psg_form(formdata=request.form)
    if form.validate_on_submit():
        try:
            services.add_psg_member(current_user, form.user_id.data)
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Added to the PSG.", "success")
            return redirect(url_for("performance.manage"))
    return _manage_page(psg_form=form, status=form_status(form))


@bp.route("/performance/manage/psg/<member_id>/remove", methods=["POST"])
@role_required(OFFICER)
def psg_remove(member_id):
    if not ButtonForm().validate_on_submit():
        from ..core.errors import bad_request

        bad_request("The form was out of date. Go back and try again.")
    services.remove_psg_member(current_user, member_id)
    db.session.commit()
    flash("Removed from the PSG.", "success")
    return redirect(url_for("performance.manage"))


@bp.route("/performance/manage/review", methods=["POST"])
@role_required(OFFICER)
def review_now():
    if not ButtonForm().validate_on_submit():
        from ..core.errors import bad_request

        bad_request("The form was out of date. Go back and try again.")
    counts = services.review()
    sent = services.send_reminders()
    db.session.commit()
    flash(f"Stages started: {counts['started']}, moved up: {counts['escalated']}, closed: {counts['closed']}. "
          f"Reminders queued: {sent}.", "success")
    return redirect(url_for("performance.manage"))
