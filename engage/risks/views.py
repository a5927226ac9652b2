"""Pages of the risk register: for signed-in staff only (a VCS member gets 403, a resident is
sent to sign in). Views read the form, call the service, commit once."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..accounts.roles import COORDINATOR, PRACTITIONER
from ..core import concurrency
from ..core.audit import history
from ..core.concurrency import EditConflict
from ..core.errors import RuleError, not_found
from ..core.forms import attach_error, form_status
from ..core.models import get_or_404
from ..core.params import Query
from ..core.security import role_required
from ..core.transitions import AlreadyMoved
from ..extensions import db
from . import bp, services
from .forms import CloseForm, LinkForm, RiskForm
from .models import Risk
from .scale import BANDS, CATEGORIES, IMPACT, LIKELIHOOD

STAFF = (PRACTITIONER, COORDINATOR)  # officers hold every role


def _risk(risk_id) -> Risk:
    return get_or_404(Risk, risk_id, "There is no risk at this address. It may have been deleted.")


def _scale_context():
    return {"likelihood_scale": LIKELIHOOD, "impact_scale": IMPACT, "bands": BANDS, "categories": CATEGORIES}


@bp.route("/")
@role_required(*STAFF)
def index():
    args = Query()
    category = args.text("category") or None
    problem = None
    if category and category not in CATEGORIES:
        problem, category = f"“{category[:40]}” is not a kind of risk. Use strategic or operational.", None
    show_closed = args.text("closed") == "1"
    rows = services.register_rows(category, include_closed=show_closed)
    open_rows = [r for r in rows if r.state == "open"]
    return render_template("risks/index.html", risks=rows, heat=services.heat_map(open_rows), category=category,
                           show_closed=show_closed, problem=problem, review_state=services.review_state,
                           can_add=services.can_add(current_user), **_scale_context()), (400 if problem else 200)


def _form_choices(form: RiskForm) -> RiskForm:
    form.owner.choices = [(str(k), v) for k, v in services.owner_choices(current_user)]
    return form


def _data(form: RiskForm) -> dict:
    return {"title": form.title.data, "description": form.description.data, "category": form.category.data,
            "owner": form.owner.data, "likelihood": form.likelihood.data, "impact": form.impact.data,
            "controls": form.controls.data, "actions": form.actions.data, "review_on": form.review_on.data,
            "reviewed": form.reviewed.data, "note": form.note.data}


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    if not services.can_add(current_user):
        abort(403)
    form = _form_choices(RiskForm())
    if form.validate_on_submit():
        try:
            risk = services.add_risk(current_user, _data(form))
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Risk added to the register.", "success")
            return redirect(url_for("risks.risk", risk_id=risk.id))
    return render_template("risks/form.html", form=form, risk=None, conflict=None, **_scale_context()), form_status(form)


def _page(risk, link_form=None, close_form=None, status=200):
    editable = services.can_edit(current_user, risk)
    if editable and link_form is None:
        link_form = LinkForm()
    if link_form is not None:
        link_form.target.choices = [("", "Choose")] + services.link_choices(current_user)
    return render_template("risks/risk.html", risk=risk, links=services.resolved_links(risk), history=history(risk),
                           editable=editable, link_form=link_form if editable else None,
                           close_form=(close_form or CloseForm()) if editable else None,
                           review_state=services.review_state(risk), today=services._today(), **_scale_context()), status


@bp.route("/<risk_id>")
@role_required(*STAFF)
def risk(risk_id):
    return _page(_risk(risk_id))


@bp.route("/<risk_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(risk_id):
    r = _risk(risk_id)
    if not services.can_edit(current_user, r):
        abort(403)
    form = _form_choices(RiskForm(obj=r))
    if not form.is_submitted():
        form.owner.data = str(r.partnership_id or 0)
        form.likelihood.data, form.impact.data = str(r.likelihood), str(r.impact)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_risk(current_user, r, _data(form), form.version.data)
        except (EditConflict, *concurrency.CONFLICTS) as error:
            db.session.rollback()
            found = concurrency.as_conflict(error, Risk, r.id, form.version.data)
            found.apply(form)
            conflict = found.describe(form)
            r = db.session.get(Risk, r.id) or r
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Risk saved.", "success")
            return redirect(url_for("risks.risk", risk_id=r.id))
    return render_template("risks/form.html", form=form, risk=r, conflict=conflict, **_scale_context()), form_status(form, conflict)


@bp.route("/<risk_id>/links", methods=["POST"])
@role_required(*STAFF)
def add_link(risk_id):
    r = _risk(risk_id)
    if not services.can_edit(current_user, r):
        abort(403)
    form = LinkForm()
    form.target.choices = [("", "Choose")] + services.link_choices(current_user)
    if form.validate_on_submit():
        try:
            services.add_link(current_user, r, form.target.data)
        except RuleError as error:
            db.session.rollback()
            attach_error(form, error)
            r = _risk(risk_id)
        else:
            db.session.commit()
            flash("Link added.", "success")
            return redirect(url_for("risks.risk", risk_id=r.id))
    return _page(r, link_form=form, status=400)


@bp.route("/<risk_id>/links/<link_id>/remove", methods=["POST"])
@role_required(*STAFF)
def remove_link(risk_id, link_id):
    r = _risk(risk_id)
    if not services.can_edit(current_user, r):
        abort(403)
    try:
        services.remove_link(current_user, r, link_id)
    except RuleError as error:
        db.session.rollback()
        not_found(str(error))
    db.session.commit()
    flash("Link removed.", "success")
    return redirect(url_for("risks.risk", risk_id=r.id))


@bp.route("/<risk_id>/close", methods=["POST"])
@bp.route("/<risk_id>/reopen", methods=["POST"], endpoint="reopen")
@role_required(*STAFF)
def close(risk_id):
    from flask import request

    r = _risk(risk_id)
    if not services.can_edit(current_user, r):
        abort(403)
    reopening = request.endpoint == "risks.reopen"
    form = CloseForm()
    if form.validate_on_submit():
        try:
            (services.reopen_risk if reopening else services.close_risk)(current_user, r, form.reason.data)
        except RuleError as error:
            db.session.rollback()
            if isinstance(error, AlreadyMoved):
                raise  # the 409 page: someone else has just closed or reopened it
            attach_error(form, error)
            r = _risk(risk_id)
        else:
            db.session.commit()
            flash("Risk reopened." if reopening else "Risk closed. It stays in the register's closed list.", "success")
            return redirect(url_for("risks.risk", risk_id=r.id))
    return _page(r, close_form=form, status=400)

