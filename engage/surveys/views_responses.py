"""Staff pages for one response at a time (engage/surveys/records.py): find, view, correct,
set aside or put back, erase. Editors of the survey's consultation only."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.i18n import gettext as _, ngettext
from ..core.params import Query
from ..consultations import services as consultations
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.errors import not_found
from ..core.forms import attach_error, form_status
from ..core.pagination import paginate
from ..core.security import role_required
from ..core.submit import submit
from ..extensions import db
from . import bp, builder, records, structure
from .answering import show_reference
from .areas import ward_choices
from .forms import CorrectForm, EraseForm, RestoreForm, SetAsideForm
from .models import CHANNELS, SET_ASIDE, SurveyResponse
from .views_public import field

EDITORS = consultations.EDITOR_ROLES


def _response_url(survey, response) -> str:
    return url_for("surveys.response", survey_id=survey.id, response_id=response.id)


def _response(survey, response_id) -> SurveyResponse:
    response = records.get_response(current_user, survey, response_id)
    if response is None:
        not_found(_("There is no response with that number in this survey."))
    return response


@bp.route("/surveys/<int:survey_id>/responses")
@role_required(*EDITORS)
def responses(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    args = Query()
    filters = records.read_filters(args)
    page = None if filters.errors else paginate(records.search(survey, filters), per_page=records.PER_PAGE)
    # A reference typed in full finds one response: open it.
    if page is not None and filters.reference and len(filters.reference) == 8 and page.total == 1 and args.text("go") != "list":
        return redirect(url_for("surveys.response", survey_id=survey.id, response_id=page.items[0].id))
    return render_template("surveys/manage/responses.html", survey=survey, filters=filters, page=page, channels=CHANNELS,
                           wards=ward_choices(survey), set_aside=SET_ASIDE, show_reference=show_reference,
                           counted=records.counted_total(survey)), (400 if filters.errors else 200)


def _response_page(survey, response, *, set_aside_form=None, restore_form=None, status=200):
    answers = records.stored_answers(survey, response) if response.status == "complete" else {}
    return render_template("surveys/manage/response.html", survey=survey, response=response, channels=CHANNELS,
                           shown=records.shown_answers(survey, answers), history=records.history(response),
                           actions=records.ACTIONS, erase_reasons=records.ERASE_REASONS, set_aside=SET_ASIDE,
                           show_reference=show_reference, set_aside_form=set_aside_form or SetAsideForm(formdata=None),
                           restore_form=restore_form or RestoreForm(formdata=None)), status


@bp.route("/surveys/<int:survey_id>/responses/<int:response_id>")
@role_required(*EDITORS)
def response(survey_id, response_id):
    survey = builder.get_for_manage(current_user, survey_id)
    return _response_page(survey, _response(survey, response_id))


@bp.route("/surveys/<int:survey_id>/responses/<int:response_id>/set-aside", methods=["POST"])
@role_required(*EDITORS)
def set_aside_response(survey_id, response_id):
    survey = builder.get_for_manage(current_user, survey_id)
    response = _response(survey, response_id)
    form = SetAsideForm()
    outcome = submit(form, lambda: records.set_aside(current_user, survey, response, form.kind.data, form.reason.data),
                     refused=builder.BuildError, to=_response_url(survey, response),
                     done=lambda _result: {"duplicate": _("Set aside as a duplicate: it is no longer counted in the results."),
                                          "spam": _("Set aside as spam: it is no longer counted in the results.")}[form.kind.data])
    return outcome.response or _response_page(survey, response, set_aside_form=form, status=outcome.status)


@bp.route("/surveys/<int:survey_id>/responses/<int:response_id>/restore", methods=["POST"])
@role_required(*EDITORS)
def restore_response(survey_id, response_id):
    survey = builder.get_for_manage(current_user, survey_id)
    response = _response(survey, response_id)
    form = RestoreForm()
    outcome = submit(form, lambda: records.restore(current_user, survey, response, form.reason.data),
                     refused=builder.BuildError, to=_response_url(survey, response),
                     done=_("Put back: it is counted in the results again."))
    return outcome.response or _response_page(survey, response, restore_form=form, status=outcome.status)


@bp.route("/surveys/<int:survey_id>/responses/<int:response_id>/correct", methods=["GET", "POST"])
@role_required(*EDITORS)
def correct_response(survey_id, response_id):
    survey = builder.get_for_manage(current_user, survey_id)
    response = _response(survey, response_id)
    if response.status != "complete":
        not_found(_("This response was erased: there is nothing to correct."))
    form = CorrectForm(obj=response) if request.method == "GET" else CorrectForm()
    numbers = structure.numbers(survey)
    errors, conflict, submitted = {}, None, None
    if request.method == "POST":
        submitted = request.form
        if form.validate_on_submit():
            try:
                result = records.correct(current_user, survey, response, request.form, reason=form.reason.data,
                                         version=form.version.data)
                if not result.errors:
                    db.session.commit()
                    message = _("Corrected: %(questions)s changed. The results follow.", questions=", ".join(result.changed))
                    if result.dropped:
                        message += " " + _("Answers to %(questions)s were left out: the form's conditions say those questions "
                                           "are skipped for these answers.", questions=", ".join(result.dropped))
                    flash(message, "success")
                    return redirect(_response_url(survey, response))
                db.session.rollback()
                errors = result.errors
            except (EditConflict, *CONFLICTS) as problem:
                db.session.rollback()
                conflict = as_conflict(problem, SurveyResponse, response_id, form.version.data)
                conflict.apply(form)
                conflict = conflict.describe(form)
            except builder.BuildError as error:
                db.session.rollback()
                attach_error(form, error)
    answers = records.stored_answers(survey, response)
    fields = [field(q, numbers[q.id], value=answers.get(str(q.id)), form=submitted, error=errors.get(q.id))
              for q in structure.ordered_questions(survey)]
    status = 409 if conflict is not None else 400 if errors else form_status(form)
    return render_template("surveys/manage/correct.html", survey=survey, response=response, form=form, fields=fields,
                           errors=errors, conflict=conflict, history=records.history(response),
                           show_reference=show_reference), status


@bp.route("/surveys/<int:survey_id>/responses/<int:response_id>/erase", methods=["GET", "POST"])
@role_required(*EDITORS)
def erase_response(survey_id, response_id):
    survey = builder.get_for_manage(current_user, survey_id)
    response = _response(survey, response_id)
    if response.status != "complete":
        flash(_("This response has already been erased."))
        return redirect(_response_url(survey, response))
    form = EraseForm()

    def erased(contacts: int) -> str:
        message = _("Erased: the answers to %(reference)s are gone, and the results no longer count them.",
                    reference=show_reference(response.reference))
        if form.email.data:
            message += " " + ngettext("%(count)s email address waiting to hear what happens next deleted with it.",
                                      "%(count)s email addresses waiting to hear what happens next deleted with it.",
                                      contacts, count=contacts)
        return message

    outcome = submit(form, lambda: records.erase(current_user, survey, response, form.category.data, form.email.data or ""),
                     refused=builder.BuildError, to=_response_url(survey, response), done=erased)
    return outcome.response or (render_template("surveys/manage/erase.html", survey=survey, response=response, form=form,
                                                show_reference=show_reference), outcome.status)
