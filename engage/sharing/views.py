"""The people who write, review, publish and answer findings reports: their list, the report
form, key findings, recommendations, attachments, workflow moves and responses. Views are
thin: read the form, call a service, commit once, redirect or render."""
from __future__ import annotations

from datetime import date, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts.roles import COORDINATOR, OFFICER, PRACTITIONER
from ..core import params
from ..core import concurrency, transitions, uploads
from ..core.audit import history
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.deletion import DeleteRefused
from ..core.forms import attach_error, form_status
from ..core.i18n import N_, gettext as _
from ..core.pagination import paginate
from ..core.security import role_required
from ..core.vocabulary import AUDIENCES
from ..extensions import db
from ..partnership.services import area_choices, outcome_choices, partnership_choices, priority_choices
from . import bp, contents, forms, responses, services, workflow
from .models import STATES, FindingsReport, Response
from ..core import clock

# What a move or a change to a report's parts says afterwards: whole sentences, translated
# when flashed.
MOVED = {"submit": N_("Report sent for review."), "request-changes": N_("Report changes asked for."),
         "approve": N_("Report approved."), "withdraw": N_("Report withdrawn."), "revise": N_("Report reopened for changes."),
         "publish": N_("Report published."), "create": N_("Report started.")}
PART_WORDS = {
    "Key finding": {"saved": N_("Key finding saved."), "added": N_("Key finding added."), "deleted": N_("Key finding deleted.")},
    "Recommendation": {"saved": N_("Recommendation saved."), "added": N_("Recommendation added."),
                       "deleted": N_("Recommendation deleted.")},
}
STAFF = (PRACTITIONER, COORDINATOR, OFFICER)


# ---- the list of reports ---------------------------------------------------------------------

@bp.route("/findings/manage")
@role_required(*STAFF)
def manage():
    state = params.query().choice("state", STATES)
    page = paginate(services.manage_query(current_user, state), per_page=20)
    return render_template("sharing/manage.html", page=page, state=state, states=STATES,
                           waiting=services.waiting_for(current_user), can_start=services.can_start(current_user),
                           late=responses.late_responses() if current_user.role == OFFICER else [],
                           progress=responses.progress, today=clock.today(),
                           embed_partnerships=services.partnerships_for_embed() if current_user.role == OFFICER else [])


# ---- the report form -------------------------------------------------------------------------

def _report_form(report=None):
    form = forms.ReportForm(obj=report if request.method == "GET" and report else None)
    form.consultation_ids.choices = services.consultation_choices(current_user)
    form.priority_ids.choices = priority_choices()
    form.outcome_ids.choices = outcome_choices()
    form.indicator_ids.choices = services.indicator_choices()
    form.area_ids.choices = area_choices()
    form.audiences.choices = list(AUDIENCES.items())
    form.partnership_ids.choices = partnership_choices()
    if request.method == "GET":
        if report is not None:
            form.consultation_ids.data = [c.id for c in report.consultations]
            form.priority_ids.data = [p.id for p in report.priorities]
            form.outcome_ids.data = [o.id for o in report.outcomes]
            form.indicator_ids.data = [i.id for i in report.indicators]
            form.area_ids.data = [a.id for a in report.areas]
            form.partnership_ids.data = [p.id for p in report.partnerships]
            form.audiences.data = list(report.audiences or [])
            form.version.data = report.version
        else:
            chosen = params.query().id("consultation")
            if chosen and chosen in {c for c, _ in form.consultation_ids.choices}:
                form.consultation_ids.data = [chosen]
                form.seed_findings.data = True
                _prefill_from(form, chosen)
    return form


def _prefill_from(form, consultation_id) -> None:
    """A report started from a consultation takes its title, priorities, outcomes, areas and partnerships."""
    from ..consultations.models import Consultation

    consultation = db.session.get(Consultation, consultation_id)
    form.title.data = f"What people told us: {consultation.title}"[:200]
    form.priority_ids.data = [p.id for p in consultation.priorities]
    form.outcome_ids.data = [o.id for o in consultation.outcomes]
    form.area_ids.data = [a.id for a in consultation.areas]
    form.partnership_ids.data = [p.id for p in consultation.partnerships]
    form.audiences.data = [a for a in consultation.audiences if a in AUDIENCES]
    form.sample_size.data = consultation.responses


def _report_data(form) -> dict:
    return {
        "title": form.title.data, "summary": form.summary.data, "meaning": form.meaning.data, "method": form.method.data,
        "sample_size": form.sample_size.data, "representativeness": form.representativeness.data, "gaps": form.gaps.data,
        "visibility": form.visibility.data, "audiences": form.audiences.data, "consultation_ids": form.consultation_ids.data,
        "priority_ids": form.priority_ids.data, "outcome_ids": form.outcome_ids.data, "indicator_ids": form.indicator_ids.data,
        "area_ids": form.area_ids.data, "partnership_ids": form.partnership_ids.data,
    }


def _save_report(report):
    form = _report_form(report)
    conflict = None
    if form.validate_on_submit():
        try:
            saved = services.save_report(current_user, report, _report_data(form), seed_findings=bool(form.seed_findings.data),
                                         version=form.version.data if report is not None else concurrency.UNCHECKED)
        except (EditConflict, *CONFLICTS) as error:
            db.session.rollback()
            error = as_conflict(error, FindingsReport, report.id, form.version.data)
            error.apply(form)
            conflict = error.describe(form)
            if conflict.gone:
                flash(_("This report has been deleted by someone else, so your changes could not be saved."), "error")
                return redirect(url_for("sharing.manage"))
        except services.RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Report saved.") if report else _("Report started. Add key findings and recommendations next."), "success")
            return redirect(url_for("sharing.report", report_id=saved.id))
    return render_template("sharing/form.html", form=form, report=report, conflict=conflict), form_status(form, conflict)


@bp.route("/findings/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    if not services.can_start(current_user):
        abort(403)
    return _save_report(None)


@bp.route("/findings/<int:report_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(report_id):
    return _save_report(services.get_for_edit(current_user, report_id))


@bp.route("/findings/<int:report_id>/delete", methods=["GET", "POST"])
@role_required(*STAFF)
def delete(report_id):
    report = services.get_for_view(current_user, report_id)
    if not services.can_delete(current_user, report):
        abort(403)
    form = forms.ConfirmForm()
    refused = None
    if form.validate_on_submit():
        title = report.title
        try:
            stored = services.delete_report(current_user, report)
        except DeleteRefused as error:
            db.session.rollback()
            refused = str(error)
        else:
            db.session.commit()
            uploads.discard(stored)
            flash(_("Report “%(title)s” deleted.", title=title), "success")
            return redirect(url_for("sharing.manage"))
    return render_template("sharing/confirm_delete.html", report=report, form=form, plan=services.delete_plan(report),
                           refused=refused, back=url_for("sharing.report", report_id=report.id)), 409 if refused else form_status(form)


# ---- key findings and recommendations ------------------------------------------------------

def _finding_form(report, finding):
    form = forms.FindingForm(obj=finding if request.method == "GET" else None)
    form.question_id.set_choices(services.question_choices(report))
    form.cited.choices = [("", "Not linked to a theme")] + contents.evidence_choices(report)
    if request.method == "GET" and finding is not None and finding.evidence_kind:
        form.cited.data = f"{finding.evidence_kind}:{finding.evidence_id}"
    return form


def _part_page(report, item, form, save, fields, *, noun, endpoint, template, name):
    """The add-or-change page every part of a report shares (key findings, recommendations):
    on a good form ``save(actor, report, item, values)`` runs and is committed once; a broken
    rule shows beside its field with the person's input kept."""
    if form.validate_on_submit():
        try:
            save(current_user, report, item, {f: getattr(form, f).data for f in fields})
        except services.RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_(PART_WORDS[noun]["saved" if item else "added"]), "success")
            return redirect(url_for(endpoint, report_id=report.id))
    return render_template(template, report=report, form=form, **{name: item}), form_status(form)


def _delete_part(report, item, delete, *, noun, endpoint):
    """Delete one part of a report (a confirmed POST), commit once, go back to its list."""
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    delete(current_user, report, item)
    db.session.commit()
    flash(_(PART_WORDS[noun]["deleted"]), "success")
    return redirect(url_for(endpoint, report_id=report.id))


@bp.route("/findings/<int:report_id>/key-findings", methods=["GET", "POST"])
@bp.route("/findings/<int:report_id>/key-findings/<int:finding_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def key_findings(report_id, finding_id=None):
    report = services.get_for_edit(current_user, report_id)
    finding = contents.get_finding(report, finding_id) if finding_id is not None else None
    return _part_page(report, finding, _finding_form(report, finding), contents.save_finding,
                      ("statement", "evidence", "question_id", "cited", "position"), noun="Key finding",
                      endpoint="sharing.key_findings", template="sharing/key_findings.html", name="finding")


@bp.route("/findings/<int:report_id>/key-findings/<int:finding_id>/delete", methods=["POST"])
@role_required(*STAFF)
def delete_finding(report_id, finding_id):
    report = services.get_for_edit(current_user, report_id)
    return _delete_part(report, contents.get_finding(report, finding_id), contents.delete_finding,
                        noun="Key finding", endpoint="sharing.key_findings")


@bp.route("/findings/<int:report_id>/recommendations", methods=["GET", "POST"])
@bp.route("/findings/<int:report_id>/recommendations/<int:recommendation_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def recommendations(report_id, recommendation_id=None):
    report = services.get_for_edit(current_user, report_id)
    recommendation = contents.get_recommendation(report, recommendation_id) if recommendation_id is not None else None
    form = forms.RecommendationForm(obj=recommendation if request.method == "GET" else None)
    return _part_page(report, recommendation, form, contents.save_recommendation, ("text", "position"),
                      noun="Recommendation", endpoint="sharing.recommendations",
                      template="sharing/recommendations.html", name="recommendation")


@bp.route("/findings/<int:report_id>/recommendations/<int:recommendation_id>/delete", methods=["POST"])
@role_required(*STAFF)
def delete_recommendation(report_id, recommendation_id):
    report = services.get_for_edit(current_user, report_id)
    return _delete_part(report, contents.get_recommendation(report, recommendation_id), contents.delete_recommendation,
                        noun="Recommendation", endpoint="sharing.recommendations")


# ---- attachments ---------------------------------------------------------------------------

@bp.route("/findings/<int:report_id>/attachments", methods=["GET", "POST"])
@role_required(*STAFF)
def attachments(report_id):
    report = services.get_for_edit(current_user, report_id)
    form = forms.AttachmentForm()
    if form.validate_on_submit():
        attachment = uploads.receive(
            form, lambda filename, data: contents.add_attachment(current_user, report, form.title.data or "", filename, data),
            attach_error)
        if attachment is not None:
            flash(_("Attachment “%(title)s” uploaded.", title=attachment.title), "success")
            return redirect(url_for("sharing.attachments", report_id=report.id))
    return render_template("sharing/attachments.html", report=report, form=form, size_label=uploads.size_label,
                           delete_form=forms.ConfirmForm()), form_status(form)


@bp.route("/findings/<int:report_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@role_required(*STAFF)
def delete_attachment(report_id, attachment_id):
    report = services.get_for_edit(current_user, report_id)
    attachment = contents.get_attachment(report, attachment_id)
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    stored = contents.delete_attachment(current_user, report, attachment)
    db.session.commit()
    uploads.discard([stored])
    flash(_("Attachment deleted."), "success")
    return redirect(url_for("sharing.attachments", report_id=report.id))


# ---- workflow moves ------------------------------------------------------------------------

def _embargo(form):
    if not form.embargo_date.data:
        if (form.embargo_time.data or "").strip():
            raise services.RuleError("Enter the embargo date as well as the time", "embargo_date")
        return None
    text = (form.embargo_time.data or "").strip() or "00:00"
    try:
        hours, minutes = (int(p) for p in text.replace(".", ":").split(":"))
        moment = time(hours, minutes)
    except ValueError:
        raise services.RuleError("Enter the time like 09:30", "embargo_time")
    # Typed on the site's clocks; a time the clock change skips or repeats is said in words.
    form.clock_note = clock.describe_gap(form.embargo_date.data, moment)
    return clock.from_local(form.embargo_date.data, moment)


@bp.route("/findings/<int:report_id>/move/<action>", methods=["GET", "POST"])
@role_required(*STAFF)
def move(report_id, action):
    report = services.get_for_view(current_user, report_id)
    if action not in workflow.ACTIONS:
        abort(404)
    try:
        step = workflow.check(current_user, report, action)
    except workflow.WorkflowError as error:
        return render_template("sharing/refused.html", report=report, message=str(error)), 409
    form = forms.TransitionForm()
    problems = services.publish_problems(report) if action == "publish" else []
    if form.validate_on_submit():
        try:
            services.transition(current_user, report, action, form.comment.data or "",
                                embargo_until=_embargo(form) if action == "publish" else None)
        except (workflow.WorkflowError, transitions.AlreadyMoved) as error:
            db.session.rollback()
            heading = "Someone else has just done this" if isinstance(error, transitions.AlreadyMoved) else None
            return render_template("sharing/refused.html", report=report, message=str(error), heading=heading), 409
        except services.RuleError as error:
            db.session.rollback()
            if error.field == "embargo":
                error.field = "embargo_date"
            attach_error(form, error)
        else:
            db.session.commit()
            note = getattr(form, "clock_note", None)
            done = _(MOVED[action]) if action in MOVED else _("Report saved.")
            flash(f"{done} {note}" if note else done, "success")
            return redirect(url_for("sharing.report", report_id=report.id))
    waiting = workflow.approver_words(report) if action == "submit" else ""
    stuck = workflow.stuck(report, force=True) if action == "submit" else None
    return render_template("sharing/move.html", report=report, form=form, step=step, problems=problems,
                           waiting=waiting, stuck=stuck), form_status(form)


# ---- responses -----------------------------------------------------------------------------

@bp.route("/findings/<int:report_id>/respond/<int:partnership_id>/<int:recommendation_id>", methods=["GET", "POST"])
@role_required(COORDINATOR, OFFICER)
def respond(report_id, partnership_id, recommendation_id):
    report = services.get_for_view(current_user, report_id)
    partnership = responses.get_partnership(report, partnership_id)
    recommendation = contents.get_recommendation(report, recommendation_id)
    if not responses.can_respond(current_user, report, partnership):
        abort(403)
    existing = responses.responses_of(report, partnership.id).get(recommendation.id)
    form = forms.ResponseForm(obj=existing if request.method == "GET" else None)
    form.link.choices = [("", "Not linked")] + responses.link_choices(current_user)
    if request.method == "GET" and existing is not None:
        form.version.data = existing.version
        form.link.data = f"{existing.link_kind}:{existing.link_id}" if existing.link_kind else ""
    conflict = past_due = None
    if form.validate_on_submit():
        data = {"status": form.status.data, "action": form.action.data, "reason": form.reason.data, "owner": form.owner.data,
                "due_on": form.due_on.data, "link": form.link.data, "confirm_past_due": form.confirm_past_due.data}
        try:
            responses.save_response(current_user, report, partnership, recommendation, data,
                                    version=form.version.data if existing is not None else concurrency.UNCHECKED)
        except responses.PastDueDate as error:
            db.session.rollback()
            attach_error(form, error)
            past_due = error.due
        except (EditConflict, *CONFLICTS) as error:
            db.session.rollback()
            error = as_conflict(error, Response, existing.id, form.version.data)
            error.apply(form)
            conflict = error.describe(form)
        except services.RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            if existing is not None and existing.state == "published":
                flash(_("%(partnership)s's response changed. The change is public.", partnership=partnership.name), "success")
            else:
                flash(_("%(partnership)s's response saved as a draft. Only you and other staff who can answer for the "
                        "partnership can see it until you publish it.", partnership=partnership.name), "success")
            return redirect(url_for("sharing.report", report_id=report.id, _anchor=f"partnership-{partnership.id}"))
    return render_template("sharing/respond.html", report=report, partnership=partnership, recommendation=recommendation,
                           form=form, existing=existing, conflict=conflict, past_due=past_due), form_status(form, conflict)


@bp.route("/findings/<int:report_id>/responses/<int:response_id>/publish", methods=["POST"])
@role_required(COORDINATOR, OFFICER)
def publish_response(report_id, response_id):
    report = services.get_for_view(current_user, report_id)
    response = responses.get_response(report, response_id)
    if not responses.can_respond(current_user, report, response.partnership):
        abort(403)
    form = forms.PublishResponseForm()
    if not form.validate_on_submit():
        abort(400, "The form had expired. Go back to the report and try again.")
    try:
        responses.publish_response(current_user, report, response)
    except transitions.AlreadyMoved as error:
        db.session.rollback()
        return render_template("sharing/refused.html", report=report, message=str(error),
                               heading="Someone else has just done this"), 409
    except services.RuleError as error:
        db.session.rollback()
        return render_template("sharing/refused.html", report=report, message=str(error)), 409
    db.session.commit()
    flash(_("%(partnership)s's response published. Everyone who can read the report can now see it.",
            partnership=response.partnership.name), "success")
    return redirect(url_for("sharing.report", report_id=report.id, _anchor=f"response-{response.id}"))


@bp.route("/findings/<int:report_id>/responses/<int:response_id>/progress", methods=["GET", "POST"])
@role_required(COORDINATOR, OFFICER)
def progress(report_id, response_id):
    report = services.get_for_view(current_user, report_id)
    response = responses.get_response(report, response_id)
    if not responses.can_respond(current_user, report, response.partnership):
        abort(403)
    form = forms.UpdateForm()
    if form.validate_on_submit():
        try:
            responses.add_update(current_user, report, response, form.note.data, form.stage.data)
        except services.RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Progress added."), "success")
            return redirect(url_for("sharing.report", report_id=report.id, _anchor=f"response-{response.id}"))
    return render_template("sharing/progress.html", report=report, response=response, form=form), form_status(form)


def report_history(report):
    return history(report, limit=30)
