"""Pages of the implementation plan: the actions (filtered, as CSV, as a timeline), an
action with its progress, the budget, the quarterly board report (page and Word document);
and the officers' pages that change them."""
from __future__ import annotations

from datetime import date

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..core.params import Query
from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..core import deletion
from ..core.audit import history
from ..core.errors import bad_request, not_found
from ..core.i18n import gettext, ngettext
from ..core.security import role_required
from ..extensions import db
from ..partnership.models import Organisation, Partnership, Priority
from . import board_report, bp, budget, plan
from ..core.forms import form_status
from .common import EditConflict, RuleError, get_or_404, money
from .forms import ActionForm, BudgetLineForm, ConfirmForm, FiguresForm, LinkForm, ProgressForm, ThemeForm
from .models import ACTION_STATUSES, BudgetLine, PlanAction, PlanTheme
from ..core.concurrency import CONFLICTS
from .views import apply_error, conflict_view
from ..core import clock


def _filter_choices():
    return {
        "themes": plan.themes(),
        "partnerships": db.session.scalars(select(Partnership).order_by(Partnership.name)).all(),
        "leads": db.session.scalars(select(Organisation).where(Organisation.id.in_(select(PlanAction.lead_organisation_id))).order_by(Organisation.name)).all(),
        "statuses": ACTION_STATUSES,
    }


# ---- public -----------------------------------------------------------------------------

@bp.route("/plan")
def plan_index():
    filters = plan.read_filters(Query())
    rows = plan.actions(filters)
    return render_template("strategy/plan.html", groups=plan.grouped(rows), filters=filters, total=len(rows),
                           counts=plan.status_counts(rows), choices=_filter_choices(), plan=plan, today=clock.today(),
                           reports=board_report.available()), (400 if filters.problems else 200)


@bp.route("/plan.csv")
def plan_csv():
    filters = plan.read_filters(Query())
    if filters.problems:
        bad_request("; ".join(filters.problems))
    body = plan.to_csv(plan.actions(filters))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=implementation-plan.csv"})


@bp.route("/plan/timeline")
def plan_timeline():
    filters = plan.read_filters(Query())
    quarters, undated = plan.timeline(plan.actions(filters))
    return render_template("strategy/timeline.html", quarters=quarters, undated=undated, filters=filters, choices=_filter_choices(),
                           plan=plan, today=clock.today()), (400 if filters.problems else 200)


@bp.route("/plan/actions/<action_id>")
def action(action_id):
    a = get_or_404(PlanAction, action_id, "There is no action at this address.")
    form = ProgressForm() if plan.can_update_progress(current_user, a) else None
    return render_template("strategy/action.html", action=a, plan=plan, links=plan.resolved_links(a), progress_form=form,
                           link_form=_link_form() if current_user.is_authenticated and current_user.has_role(OFFICER) else None,
                           history=history(a) if current_user.is_authenticated and current_user.has_role(OFFICER) else [])


def _link_form(form=None):
    form = form or LinkForm()
    choices = [("", "Choose")]
    for kind, items in plan.link_choices(current_user).items():
        label = plan.links.get(kind).label
        choices += [(f"{kind}:{target}", f"{label}: {title}") for target, title in items]
    form.target.choices = choices
    return form


@bp.route("/plan/actions/<action_id>/progress", methods=["POST"])
def action_progress(action_id):
    a = get_or_404(PlanAction, action_id, "There is no action at this address.")
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=url_for("strategy.action", action_id=a.id)))
    if not plan.can_update_progress(current_user, a):
        from flask import abort

        abort(403)
    form = ProgressForm()
    if form.validate_on_submit():
        try:
            plan.add_progress(current_user, a, {"noted_on": form.noted_on.data, "status": form.status.data, "note": form.note.data})
        except RuleError as error:
            apply_error(form, error)
            a = get_or_404(PlanAction, action_id)
        else:
            db.session.commit()
            flash("Progress update added.", "success")
            return redirect(url_for("strategy.action", action_id=a.id))
    return render_template("strategy/action.html", action=a, plan=plan, links=plan.resolved_links(a), progress_form=form,
                           link_form=_link_form() if current_user.has_role(OFFICER) else None,
                           history=history(a) if current_user.has_role(OFFICER) else []), 400


@bp.route("/plan/budget")
def budget_index():
    years = budget.years()
    args = Query()
    year = args.year("year") if args.given("year") else (years[0] if years else None)
    if args.given("year") and year not in years:
        not_found("There is no budget for that year.")
    quarter = budget.latest_quarter(year) if year else None
    table = budget.table(year, quarter) if year and quarter else None
    lines = budget.lines_for(year) if year else []
    return render_template("strategy/budget.html", years=years, year=year, quarter=quarter, table=table, lines=lines,
                           budget=budget, money=money, percent_text=board_report.percent_text)


@bp.route("/plan/reports")
def reports():
    return render_template("strategy/reports.html", available=board_report.available(), budget=budget)


def _report(year, quarter):
    from ..core.params import to_id

    y, q = to_id(year), to_id(quarter)
    if y is None or q is None or not 1990 <= y <= 2200 or q not in (1, 2, 3, 4):
        not_found(gettext("There is no board report at this address. Reports are for quarters 1 to 4 of a financial year."))
    if not budget.lines_for(y) and not plan.actions():
        not_found(gettext("There is nothing to report for that year yet."))
    return board_report.build(y, q)


@bp.route("/plan/reports/<year>/q<quarter>")
def report(year, quarter):
    r = _report(year, quarter)
    return render_template("strategy/report.html", report=r, money=money, percent_text=board_report.percent_text,
                           budget=budget, plan=plan, headings=board_report.BUDGET_HEADINGS)


@bp.route("/plan/reports/<year>/q<quarter>.docx")
def report_docx(year, quarter):
    from ..core.i18n import default_language, writing_in

    with writing_in(default_language()):  # the board's papers: in the site's own language throughout
        r = _report(year, quarter)
        body = board_report.to_docx(r, current_app.config.get("ENGAGE_PARTNERSHIP_NAME") or current_app.config["ENGAGE_SITE_NAME"])
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename={r.filename}"})


# ---- officers: themes and actions ---------------------------------------------------------

@bp.route("/admin/plan")
@role_required(OFFICER)
def admin_plan():
    return render_template("strategy/admin_plan.html", themes=plan.themes(), plan=plan, years=budget.years(), budget=budget)


@bp.route("/admin/plan/themes/new", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_theme_new():
    return _theme(None)


@bp.route("/admin/plan/themes/<theme_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_theme(theme_id):
    return _theme(get_or_404(PlanTheme, theme_id, "There is no such theme."))


def _theme(theme):
    form = ThemeForm(obj=theme) if request.method == "GET" else ThemeForm()
    conflict = None
    if form.validate_on_submit():
        try:
            saved = plan.save_theme(current_user, theme, {f.name: f.data for f in form}, form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            conflict = conflict_view(error, PlanTheme, theme.id, form)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(f"Theme “{saved.name}” saved.", "success")
            return redirect(url_for("strategy.admin_plan"))
    theme = db.session.get(PlanTheme, theme.id) if theme is not None else None
    return render_template("strategy/admin_form.html", form=form, obj=theme, conflict=conflict, caption=gettext("Plan theme"),
                           title=theme.name if theme else gettext("Add a theme"), back=url_for("strategy.admin_plan"),
                           delete=url_for("strategy.admin_theme_delete", theme_id=theme.id) if theme else None,
                           history=history(theme) if theme else []), form_status(form, conflict)


@bp.route("/admin/plan/themes/<theme_id>/delete", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_theme_delete(theme_id):
    theme = get_or_404(PlanTheme, theme_id, "There is no such theme.")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            plan.delete_theme(current_user, theme)
        except RuleError as error:
            apply_error(form, error)
            theme = get_or_404(PlanTheme, theme_id)
        else:
            db.session.commit()
            flash("Theme deleted.", "success")
            return redirect(url_for("strategy.admin_plan"))
    return render_template("strategy/confirm_delete.html", form=form, question=gettext("Delete the theme “%(name)s”?", name=theme.name), goes_with=[], plan=deletion.plan(theme),
                           back=url_for("strategy.admin_theme", theme_id=theme.id)), form_status(form)


def _action_form(action=None):
    form = ActionForm(obj=action) if request.method == "GET" else ActionForm()
    if request.method == "GET" and action is None and Query().given("theme"):
        form.theme_id.data = Query().id("theme")
    form.theme_id.set_choices([(t.id, t.name) for t in plan.themes()])
    form.lead_organisation_id.set_choices([(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))])
    form.lead_officer_id.set_choices([(u.id, f"{u.name} ({u.organisation.name if u.organisation else u.role_label})")
                                      for u in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))])
    form.partnership_id.set_choices([(p.id, p.name) for p in db.session.scalars(select(Partnership).order_by(Partnership.name))])
    form.priority_id.set_choices([(p.id, p.label) for p in db.session.scalars(select(Priority).order_by(Priority.framework_id, Priority.position))])
    return form


@bp.route("/admin/plan/actions/new", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_action_new():
    return _action(None)


@bp.route("/admin/plan/actions/<action_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_action(action_id):
    return _action(get_or_404(PlanAction, action_id, "There is no action at this address."))


def _action(action):
    form = _action_form(action)
    conflict = None
    if form.validate_on_submit():
        try:
            saved = plan.save_action(current_user, action, {f.name: f.data for f in form}, form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            conflict = conflict_view(error, PlanAction, action.id, form)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Action saved.", "success")
            return redirect(url_for("strategy.action", action_id=saved.id))
    action = db.session.get(PlanAction, action.id) if action is not None else None
    return render_template("strategy/admin_form.html", form=form, obj=action, conflict=conflict, caption=gettext("Action"),
                           title=gettext("Change the action") if action else gettext("Add an action"),
                           back=url_for("strategy.action", action_id=action.id) if action else url_for("strategy.admin_plan"),
                           delete=url_for("strategy.admin_action_delete", action_id=action.id) if action else None,
                           history=history(action) if action else []), form_status(form, conflict)


@bp.route("/admin/plan/actions/<action_id>/delete", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_action_delete(action_id):
    a = get_or_404(PlanAction, action_id, "There is no action at this address.")
    form = ConfirmForm()
    goes = [ngettext("%(num)s progress update", "%(num)s progress updates", len(a.progress)),
            ngettext("%(num)s link", "%(num)s links", len(a.links))]
    if form.validate_on_submit():
        try:
            plan.delete_action(current_user, a)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Action deleted, with its progress updates and links.", "success")
            return redirect(url_for("strategy.plan_index"))
    return render_template("strategy/confirm_delete.html", form=form, question=gettext("Delete the action “%(activity)s”?", activity=a.activity[:80]), goes_with=goes, plan=deletion.plan(a),
                           back=url_for("strategy.action", action_id=a.id))


@bp.route("/admin/plan/actions/<action_id>/links", methods=["POST"])
@role_required(OFFICER)
def admin_action_link(action_id):
    a = get_or_404(PlanAction, action_id, "There is no action at this address.")
    form = _link_form()
    if form.validate_on_submit():
        kind, _, target = (form.target.data or "").partition(":")
        try:
            plan.add_link(current_user, a, kind, target)
        except RuleError as error:
            apply_error(form, error)
            form.target.errors = list(form.target.errors or []) + form.form_errors
            form.form_errors = []
            a = get_or_404(PlanAction, action_id)
        else:
            db.session.commit()
            flash("Link added.", "success")
            return redirect(url_for("strategy.action", action_id=a.id))
    return render_template("strategy/action.html", action=a, plan=plan, links=plan.resolved_links(a),
                           progress_form=ProgressForm(), link_form=form, history=history(a)), 400


@bp.route("/admin/plan/actions/<action_id>/links/<link_id>/remove", methods=["POST"])
@role_required(OFFICER)
def admin_action_unlink(action_id, link_id):
    a = get_or_404(PlanAction, action_id, "There is no action at this address.")
    if not ConfirmForm().validate_on_submit():
        bad_request("The form had expired. Go back and try again.")
    try:
        plan.remove_link(current_user, a, link_id)
    except RuleError as error:
        db.session.rollback()
        not_found(str(error))
    db.session.commit()
    flash("Link removed.", "success")
    return redirect(url_for("strategy.action", action_id=a.id))


# ---- officers: budget -----------------------------------------------------------------------

def _line_form(line=None, fresh=False):
    loaded = request.method == "GET" or fresh
    form = BudgetLineForm(formdata=None, obj=line) if loaded else BudgetLineForm()
    if loaded and line is not None:
        form.annual_budget.data = line.annual_budget / 100
    if request.method == "GET" and line is None and Query().given("year"):
        form.year.data = Query().year("year")
    form.partnership_id.set_choices([(p.id, p.name) for p in db.session.scalars(select(Partnership).order_by(Partnership.name))])
    return form


@bp.route("/admin/plan/budget/new", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_line_new():
    return _line(None)


@bp.route("/admin/plan/budget/<line_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_line(line_id):
    return _line(get_or_404(BudgetLine, line_id, "There is no such budget line."))


def _figures_form(line, quarter=None):
    quarter = quarter or (budget.latest_quarter(line.year) or 1)
    f = line.figures_for(quarter)
    form = FiguresForm(formdata=None, quarter=str(quarter))
    if f:
        form.spend_to_date.data, form.budget_to_date.data, form.year_end_estimate.data = f.spend_to_date / 100, f.budget_to_date / 100, f.year_end_estimate / 100
    return form


def _line(line, figures_form=None):
    form = _line_form(line, fresh=figures_form is not None)
    conflict = None
    if figures_form is None and form.validate_on_submit():
        data = {f.name: f.data for f in form}
        try:
            saved = budget.save_line(current_user, line, data, form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            conflict = conflict_view(error, BudgetLine, line.id, form)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(f"Budget line “{saved.item}” saved.", "success")
            return redirect(url_for("strategy.admin_line", line_id=saved.id))
    line = db.session.get(BudgetLine, line.id) if line is not None else None
    status = 409 if conflict is not None else 400 if (form.errors or form.form_errors or (figures_form and (figures_form.errors or figures_form.form_errors))) else 200
    return render_template("strategy/admin_line.html", form=form, line=line, conflict=conflict, money=money, budget=budget,
                           figures_form=figures_form or (_figures_form(line) if line else None),
                           history=history(line) if line else []), status


@bp.route("/admin/plan/budget/<line_id>/figures", methods=["POST"])
@role_required(OFFICER)
def admin_line_figures(line_id):
    line = get_or_404(BudgetLine, line_id, "There is no such budget line.")
    form = FiguresForm()
    if form.validate_on_submit():
        try:
            budget.save_figures(current_user, line, int(form.quarter.data), {f.name: f.data for f in form})
        except RuleError as error:
            apply_error(form, error)
            line = get_or_404(BudgetLine, line_id)
        else:
            db.session.commit()
            flash(f"Figures for quarter {form.quarter.data} saved.", "success")
            return redirect(url_for("strategy.admin_line", line_id=line.id))
    return _line(line, figures_form=form)


@bp.route("/admin/plan/budget/<line_id>/delete", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_line_delete(line_id):
    line = get_or_404(BudgetLine, line_id, "There is no such budget line.")
    form = ConfirmForm()
    if form.validate_on_submit():
        year = line.year
        try:
            budget.delete_line(current_user, line)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Budget line deleted, with its quarterly figures.", "success")
            return redirect(url_for("strategy.budget_index", year=year))
    n = len(line.figures)
    return render_template("strategy/confirm_delete.html", form=form, question=gettext("Delete the budget line “%(item)s” (%(year)s)?", item=line.item, year=budget.year_label(line.year)),
                           plan=deletion.plan(line), goes_with=[ngettext("%(num)s quarter of figures", "%(num)s quarters of figures", n)], back=url_for("strategy.admin_line", line_id=line.id))
