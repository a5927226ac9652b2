"""Pages of funding programmes (public: the programme, its allocations and taper, the funded
projects) and of bid rounds (partners only: criteria, scores, the ranked list). Views read the
form, call a service and commit once."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..core.concurrency import CONFLICTS, EditConflict
from ..core.errors import RuleError
from ..core.forms import attach_error, form_status
from ..core.i18n import gettext
from ..core.models import get_or_404
from ..core.params import to_int
from ..core.security import role_required
from ..core.submit import submit
from ..core.transitions import AlreadyMoved
from ..extensions import db
from ..partnership.models import Organisation, Partnership
from ..strategy.common import money
from . import bids, bp, services
from .forms import (AllocationForm, AssessorForm, BidForm, CriterionForm, EvidenceForm, FundingForm, MoveForm, ProjectForm, RoundForm,
                    SpendForm, score_form)
from .models import ROUND_STATES, Bid, BidCriterion, BidRound, FundedProject, FundingProgramme


def _partner_required():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path))
    if not services.is_partner(current_user):
        abort(403)
    return None


def _fail(form, error):
    db.session.rollback()
    attach_error(form, error)


def _partnerships():
    return [(p.id, p.name) for p in db.session.scalars(select(Partnership).order_by(Partnership.name))]


def _organisations():
    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


def _common():
    return dict(money=money, year_label=services.year_label, score_text=bids.score_text)


# ---- public ------------------------------------------------------------------------------

@bp.route("/funding")
def index():
    return render_template("funding/index.html", programmes=services.programmes(), taper=services.taper, **_common())


@bp.route("/funding/<programme_id>")
def programme(programme_id, forms=None, status=200):
    prog = get_or_404(FundingProgramme, programme_id, gettext("There is no such funding programme."))
    officer = services.is_officer(current_user)
    rounds = [r for r in bids.rounds() if r.programme_id == prog.id] if services.is_partner(current_user) else []
    forms = forms or {}
    if officer:
        forms.setdefault("allocation", AllocationForm(formdata=None))
    return render_template("funding/programme.html", programme=prog, taper=services.taper(prog), spend=services.spend(prog),
                           projects=services.project_views(prog), rounds=rounds, officer=officer, forms=forms, **_common()), status


@bp.route("/funding/projects/<project_id>")
def project(project_id):
    p = get_or_404(FundedProject, project_id, gettext("There is no such funded project."))
    view = services.project_view(p)
    rows = [(py, services.project_row(py)) for py in p.years]
    return render_template("funding/project.html", project=p, view=view, rows=rows, officer=services.is_officer(current_user), **_common())


# ---- officers: allocations and projects ---------------------------------------------------

@bp.route("/funding/<programme_id>/allocations", methods=["POST"])
@role_required(OFFICER)
def allocation(programme_id):
    prog = get_or_404(FundingProgramme, programme_id, gettext("There is no such funding programme."))
    form = AllocationForm()
    outcome = submit(form, lambda: services.save_allocation(current_user, prog, form.year.data, form.amount.data, form.status.data),
                     done=lambda _: gettext("Allocation for %(year)s saved.", year=services.year_label(form.year.data)),
                     to=url_for("funding.programme", programme_id=prog.id, _anchor="allocations"))
    return outcome.response or programme(prog.id, {"allocation": form}, 400)


def _project_form(p=None, fresh=True):
    form = ProjectForm(formdata=None, obj=p) if fresh else ProjectForm()
    form.partnership_id.set_choices(_partnerships())
    form.organisation_id.set_choices(_organisations())
    return form


@bp.route("/funding/<programme_id>/projects/new", methods=["GET", "POST"])
@role_required(OFFICER)
def project_new(programme_id):
    prog = get_or_404(FundingProgramme, programme_id, gettext("There is no such funding programme."))
    form = _project_form(fresh=request.method == "GET")

    def change():
        data = {f.name: f.data for f in form}
        data["programme_id"] = prog.id
        return services.save_project(current_user, None, data)

    outcome = submit(form, change, done=lambda p: gettext("Project “%(name)s” added. Now give it money for each year.", name=p.name),
                     to=lambda p: url_for("funding.project_edit", project_id=p.id))
    return outcome.response or (render_template("funding/project_form.html", form=form, programme=prog, project=None, **_common()),
                                outcome.status)


@bp.route("/funding/projects/<project_id>/edit", methods=["GET", "POST"])
@role_required(OFFICER)
def project_edit(project_id, funding_form=None, spend_form=None):
    p = get_or_404(FundedProject, project_id, gettext("There is no such funded project."))
    form = _project_form(p, fresh=request.method == "GET" or funding_form is not None or spend_form is not None)
    conflict = None
    if funding_form is None and spend_form is None and form.validate_on_submit():
        data = {f.name: f.data for f in form}
        try:
            services.save_project(current_user, p, data, form.version.data)
        except (EditConflict, *CONFLICTS):
            db.session.rollback()
            conflict = True
            form.form_errors.append(gettext("Someone else changed this project while you were editing it. Nothing you sent was saved: reload the page to see their changes."))
        except RuleError as error:
            _fail(form, error)
        else:
            db.session.commit()
            flash(gettext("Project saved."), "success")
            return redirect(url_for("funding.project", project_id=p.id))
    p = db.session.get(FundedProject, p.id)
    funding_form = funding_form or FundingForm(formdata=None)
    spend_form = spend_form or SpendForm(formdata=None)
    status = 409 if conflict else (400 if any(f.errors or f.form_errors for f in (form, funding_form, spend_form)) else 200)
    return render_template("funding/project_form.html", form=form, programme=p.programme, project=p, funding_form=funding_form,
                           spend_form=spend_form, rows=[(py, services.project_row(py)) for py in p.years], **_common()), status


@bp.route("/funding/projects/<project_id>/money", methods=["POST"])
@role_required(OFFICER)
def project_money(project_id):
    p = get_or_404(FundedProject, project_id, gettext("There is no such funded project."))
    form = FundingForm()
    outcome = submit(form, lambda: services.set_funding(current_user, p, form.year.data, form.amount.data),
                     done=lambda _: gettext("Money for %(year)s saved.", year=services.year_label(form.year.data)),
                     to=url_for("funding.project_edit", project_id=p.id))
    return outcome.response or project_edit(p.id, funding_form=form)


@bp.route("/funding/projects/<project_id>/spend", methods=["POST"])
@role_required(OFFICER)
def project_spend(project_id):
    p = get_or_404(FundedProject, project_id, gettext("There is no such funded project."))
    form = SpendForm()

    def change():
        py = next((y for y in p.years if y.year == form.year.data), None)
        if py is None:
            raise RuleError(gettext("Give the project money for %(year)s first", year=services.year_label(form.year.data)), "year")
        services.save_spend(current_user, py, int(form.quarter.data), {f: getattr(form, f).data for f in ("spend_to_date", "budget_to_date", "year_end_estimate")})

    outcome = submit(form, change, done=gettext("Spend saved."), to=url_for("funding.project_edit", project_id=p.id))
    return outcome.response or project_edit(p.id, spend_form=form)


# ---- bid rounds (partners) ---------------------------------------------------------------

@bp.route("/funding/<programme_id>/rounds/new", methods=["GET", "POST"])
@role_required(OFFICER)
def round_new(programme_id):
    prog = get_or_404(FundingProgramme, programme_id, gettext("There is no such funding programme."))
    form = RoundForm() if request.method == "POST" else RoundForm(formdata=None)
    form.partnership_id.set_choices(_partnerships())
    outcome = submit(form, lambda: bids.open_round(current_user, prog, {f.name: f.data for f in form}),
                     done=gettext("Round opened. Add its criteria and name its assessors."),
                     to=lambda rnd: url_for("funding.round_page", round_id=rnd.id))
    return outcome.response or (render_template("funding/round_form.html", form=form, programme=prog, **_common()), outcome.status)


@bp.route("/funding/rounds/<round_id>")
def round_page(round_id, forms=None, status=200):
    refused = _partner_required()
    if refused:
        return refused
    rnd = get_or_404(BidRound, round_id, gettext("There is no such bid round."))
    forms = forms or {}
    officer = services.is_officer(current_user)
    if bids.may_set_criteria(current_user, rnd) and rnd.state == "open":
        forms.setdefault("criterion", CriterionForm(formdata=None))
    if officer and rnd.state != "decided":
        af = forms.setdefault("assessor", AssessorForm(formdata=None))
        af.user_id.set_choices([(u.id, f"{u.name} ({u.organisation.name if u.organisation else gettext('no organisation')})")
                                for u in bids.partner_users() if u not in rnd.assessors])
    if officer:
        forms.setdefault("move", MoveForm(formdata=None))
    ranking = bids.ranking(rnd)
    return render_template("funding/round.html", round=rnd, ranking=ranking, forms=forms, officer=officer,
                           assessor=bids.is_assessor(current_user, rnd), may_bid=bids.may_bid(current_user),
                           total_weight=sum(c.weight for c in rnd.criteria), bids=bids, states=ROUND_STATES, **_common()), status


@bp.route("/funding/rounds/<round_id>/criteria", methods=["POST"])
def criterion_add(round_id):
    refused = _partner_required()
    if refused:
        return refused
    rnd = get_or_404(BidRound, round_id, gettext("There is no such bid round."))
    if not bids.may_set_criteria(current_user, rnd):
        abort(403)
    form = CriterionForm()
    outcome = submit(form, lambda: bids.save_criterion(current_user, rnd, None, {f.name: f.data for f in form}),
                     done=gettext("Criterion saved."), to=url_for("funding.round_page", round_id=rnd.id, _anchor="criteria"))
    return outcome.response or round_page(rnd.id, {"criterion": form}, 400)


@bp.route("/funding/criteria/<criterion_id>", methods=["GET", "POST"])
def criterion_edit(criterion_id):
    refused = _partner_required()
    if refused:
        return refused
    c = get_or_404(BidCriterion, criterion_id, gettext("There is no such criterion."))
    if not bids.may_set_criteria(current_user, c.round):
        abort(403)
    form = CriterionForm() if request.method == "POST" else CriterionForm(formdata=None, obj=c)
    outcome = submit(form, lambda: bids.save_criterion(current_user, c.round, c, {f.name: f.data for f in form}),
                     done=gettext("Criterion saved."), to=url_for("funding.round_page", round_id=c.round_id, _anchor="criteria"))
    if outcome.response:
        return outcome.response
    c = db.session.get(BidCriterion, c.id)
    return render_template("funding/criterion_form.html", form=form, criterion=c, **_common()), outcome.status


@bp.route("/funding/rounds/<round_id>/assessors", methods=["POST"])
@role_required(OFFICER)
def assessor_add(round_id):
    rnd = get_or_404(BidRound, round_id, gettext("There is no such bid round."))
    form = AssessorForm()
    form.user_id.set_choices([(u.id, u.name) for u in bids.partner_users()])
    outcome = submit(form, lambda: bids.add_assessor(current_user, rnd, db.session.get(User, form.user_id.data)),
                     done=gettext("Assessor named."), to=url_for("funding.round_page", round_id=rnd.id, _anchor="assessors"))
    return outcome.response or round_page(rnd.id, {"assessor": form}, 400)


@bp.route("/funding/rounds/<round_id>/move", methods=["POST"])
@role_required(OFFICER)
def round_move(round_id):
    rnd = get_or_404(BidRound, round_id, gettext("There is no such bid round."))
    form = MoveForm()
    if not form.validate_on_submit():
        return round_page(rnd.id, {"move": form}, 400)
    try:
        bids.move(current_user, rnd, form.action.data or "", form.state.data or "", form.reason.data or "")
    except AlreadyMoved:
        raise  # the 409 page (engage/core/errors.py)
    except RuleError as error:
        _fail(form, error)
        return round_page(rnd.id, {"move": form}, 400)
    db.session.commit()
    flash(gettext("The round is now %(state)s.", state=gettext(rnd.state_label).lower()), "success")
    return redirect(url_for("funding.round_page", round_id=rnd.id))


@bp.route("/funding/rounds/<round_id>/bids/new", methods=["GET", "POST"])
def bid_new(round_id):
    refused = _partner_required()
    if refused:
        return refused
    rnd = get_or_404(BidRound, round_id, gettext("There is no such bid round."))
    if not bids.may_bid(current_user):
        abort(403)
    form = BidForm() if request.method == "POST" else BidForm(formdata=None)
    form.partnership_id.set_choices(_partnerships())
    form.organisation_id.set_choices(_organisations())
    outcome = submit(form, lambda: bids.save_bid(current_user, rnd, {f.name: f.data for f in form}),
                     done=gettext("Bid entered. Add the evidence it rests on."), to=lambda bid: url_for("funding.bid_page", bid_id=bid.id))
    return outcome.response or (render_template("funding/bid_form.html", form=form, round=rnd, **_common()), outcome.status)


def _evidence_form(formdata=True):
    form = EvidenceForm() if formdata else EvidenceForm(formdata=None)
    form.target.choices = [("", gettext("Choose"))] + bids.evidence_choices(current_user)
    return form


@bp.route("/funding/bids/<bid_id>")
def bid_page(bid_id, evidence_form=None, status=200):
    refused = _partner_required()
    if refused:
        return refused
    bid = get_or_404(Bid, bid_id, gettext("There is no such bid."))
    result = bids.result(bid)
    may_add = bids.may_bid(current_user) and bid.round.state in ("open", "scoring")
    return render_template("funding/bid.html", bid=bid, result=result, evidence=bids.evidence_of(bid),
                           evidence_form=evidence_form or (_evidence_form(False) if may_add else None),
                           may_score=bids.is_assessor(current_user, bid.round) and bid.round.state == "scoring",
                           conflicted=bids.conflict_of_interest(current_user, bid), **_common()), status


@bp.route("/funding/bids/<bid_id>/evidence", methods=["POST"])
def bid_evidence(bid_id):
    refused = _partner_required()
    if refused:
        return refused
    bid = get_or_404(Bid, bid_id, gettext("There is no such bid."))
    if not bids.may_bid(current_user):
        abort(403)
    form = _evidence_form()
    outcome = submit(form, lambda: bids.add_evidence(current_user, bid, form.target.data),
                     done=gettext("Evidence added."), to=url_for("funding.bid_page", bid_id=bid.id, _anchor="evidence"))
    return outcome.response or bid_page(bid.id, form, 400)


@bp.route("/funding/bids/<bid_id>/score", methods=["GET", "POST"])
def bid_score(bid_id):
    refused = _partner_required()
    if refused:
        return refused
    bid = get_or_404(Bid, bid_id, gettext("There is no such bid."))
    rnd = bid.round
    if not bids.is_assessor(current_user, rnd):
        abort(403)
    if request.method == "POST":
        form = score_form(rnd)
    else:
        mine = {s.criterion_id: s for s in bid.scores if s.assessor_id == current_user.id}
        data = {}
        for c in rnd.criteria:
            if c.id in mine:
                data[f"score_{c.id}"], data[f"reason_{c.id}"] = str(mine[c.id].score), mine[c.id].reason
        form = score_form(rnd, data=data)
    if bids.conflict_of_interest(current_user, bid):
        form.form_errors.append(gettext("You cannot score this bid: it is from your own organisation (%(organisation)s).", organisation=bid.organisation.name))
    elif request.method == "POST":
        outcome = submit(form, lambda: bids.save_scores(current_user, bid, {
                             c.id: (to_int(getattr(form, f"score_{c.id}").data, 0, 1000), getattr(form, f"reason_{c.id}").data)
                             for c in rnd.criteria}),
                         done=gettext("Your scores are saved."), to=url_for("funding.round_page", round_id=rnd.id, _anchor="ranking"))
        if outcome.response:
            return outcome.response
    return render_template("funding/score.html", form=form, bid=bid, round=rnd, **_common()), form_status(form)
