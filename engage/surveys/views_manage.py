"""Staff pages for building a survey: settings, sections, questions, conditions, the
equality section, preview, sharing (short link, QR code, poster), the paper version, access
codes, new versions and deletes. Each view reads the form, calls a service, commits once."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.i18n import gettext as _, ngettext
from ..core.params import Query, to_id
from ..consultations import services as consultations
from ..core.audit import history
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.security import role_required
from ..extensions import db
from ..partnership.services import area_choices
from . import answering, builder, codes as access_codes, conditions, lifecycle, structure, versions
from . import questions as qtypes
from . import bp
from .forms import CodesForm, ConfirmForm, PlainForm, QuestionForm, SectionForm, SurveyForm
from .models import PAPER_COPIES, PAPER_RETURN, Survey, SurveyQuestion, SurveySection
from .views_public import _remember, field, outline, short_url as _short_url
from ..core import clock

EDITORS = consultations.EDITOR_ROLES


def _conflict(error, model, object_id: int, form):
    """Someone else saved this after the form was loaded (engage/core/concurrency.py): nothing
    is saved, the person's values stay in the form, its hidden version moves on, and the
    page shows what the other person changed."""
    db.session.rollback()
    conflict = as_conflict(error, model, object_id, form.version.data)
    conflict.apply(form)
    return conflict.describe(form)


# The services name the stored dates; the settings form asks for days ("Opens on"): a rule
# about a date goes next to its boxes, and the error summary links there (not to the page).
_FIELD_OF = {"opens_at": "opens_on", "closes_at": "closes_on"}


def _errors_to_form(form, error: builder.BuildError) -> None:
    name = _FIELD_OF.get(error.field, error.field) if error.field else None
    target = getattr(form, name, None) if name else None
    if target is not None:
        target.errors = list(target.errors or []) + [error.message]
    else:
        form.form_errors.append(error.message)


def _save(form, save, model=None, object_id=None):
    """Run ``save`` and commit once. Returns ``(saved, conflict)``: a rule broken puts its
    message next to the field; with ``model`` given, someone else's save in between gives
    the conflict panel (without one, a conflict is not expected and is not caught)."""
    conflicts = (EditConflict, *CONFLICTS) if model is not None else ()
    try:
        save()
        db.session.commit()
    except conflicts as error:
        return False, _conflict(error, model, object_id, form)
    except builder.BuildError as error:
        db.session.rollback()
        _errors_to_form(form, error)
        return False, None
    return True, None


def _status(form, conflict=None) -> int:
    return 409 if conflict else 400 if form.errors or form.form_errors else 200


def _dates(form) -> dict:
    opens = clock.start_of_day(form.opens_on.data) if form.opens_on.data else None
    closes = clock.end_of_day(form.closes_on.data) if form.closes_on.data else None
    return {"opens_at": opens, "closes_at": closes}


def _settings_data(form) -> dict:
    return {"title": form.title.data, "introduction": form.introduction.data, "privacy_notice": form.privacy_notice.data,
            "results_note": form.results_note.data, "retention_days": form.retention_days.data,
            "population_area_id": form.population_area_id.data, "min_age": form.min_age.data, "one_per_browser": form.one_per_browser.data,
            "codes_required": form.codes_required.data, "ask_contact": form.ask_contact.data,
            "paper_copies": form.paper_copies.data, "paper_return": form.paper_return.data, **_dates(form)}


def _area_choices(form):
    form.population_area_id.set_choices(area_choices(levels=("borough", "town")))


# ---- creating and settings ---------------------------------------------------------------

@bp.route("/consultations/<int:consultation_id>/surveys/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new(consultation_id):
    consultation = consultations.get_for_edit(current_user, consultation_id)
    form = SurveyForm()
    _area_choices(form)
    if request.method == "GET":
        form.title.data = consultation.title
        form.one_per_browser.data = True
        form.ask_contact.data = True
        form.paper_copies.data, form.paper_return.data = PAPER_COPIES, PAPER_RETURN
        form.population_area_id.data = consultation.areas[0].id if consultation.areas else None
    made = []

    def create():
        made.append(builder.create_survey(current_user, consultation, _settings_data(form)))
        lifecycle.sync_take_part(made[0])

    if form.validate_on_submit() and _save(form, create)[0]:
        flash(_("Survey created. Add its questions."), "success")
        return redirect(url_for("surveys.build", survey_id=made[0].id))
    return render_template("surveys/manage/settings.html", form=form, consultation=consultation, survey=None), _status(form)


@bp.route("/surveys/<int:survey_id>/settings", methods=["GET", "POST"])
@role_required(*EDITORS)
def settings(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    form = SurveyForm(obj=survey)
    _area_choices(form)
    conflict = None
    if request.method == "GET":
        form.opens_on.data = clock.local_day(survey.opens_at) if survey.opens_at else None
        form.closes_on.data = clock.local_day(survey.closes_at - timedelta(seconds=1)) if survey.closes_at else None
    if form.validate_on_submit():
        def update():
            builder.update_settings(current_user, survey, _settings_data(form), form.version.data)
            lifecycle.sync_take_part(survey)
            lifecycle.consultation_follows(current_user, survey)

        saved, conflict = _save(form, update, Survey, survey_id)
        if saved:
            flash(_("Survey settings saved."), "success")
            return redirect(url_for("surveys.build", survey_id=survey.id))
    return render_template("surveys/manage/settings.html", form=form, consultation=survey.consultation, survey=survey,
                           conflict=conflict), _status(form, conflict)


# ---- the builder overview ------------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>/build")
@role_required(*EDITORS)
def build(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    return render_template("surveys/manage/build.html", survey=survey, **outline(survey), answers=builder.answer_count(survey),
                           types=qtypes.choices(), form=PlainForm(), history=history(survey, limit=15),
                           public_url=lifecycle.public_url(survey), has_equality=any(s.is_equality for s in survey.sections))


@bp.route("/surveys/<int:survey_id>/preview", methods=["POST"])
@role_required(*EDITORS)
def preview(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    if not PlainForm().validate_on_submit():
        return redirect(url_for("surveys.build", survey_id=survey.id))
    response, secret = answering.start(survey, preview=True)
    db.session.commit()
    _remember(survey.id, secret)
    first = answering.first_page(survey, {})
    if first is None:
        flash(_("Add a question before you preview the survey."))
        return redirect(url_for("surveys.build", survey_id=survey.id))
    return redirect(url_for("surveys.page", survey_id=survey.id, index=first))


def _simple_action(survey, action, message: str):
    if not PlainForm().validate_on_submit():
        return redirect(url_for("surveys.build", survey_id=survey.id))
    try:
        result = action()
        db.session.commit()
    except builder.BuildError as error:
        db.session.rollback()
        flash(error.message)
        return redirect(url_for("surveys.build", survey_id=survey.id))
    flash(message, "success")
    return result


def _move(survey, move, message: str, anchor: str):
    """Move a section or question up (``direction=up``) or down, back to it on the builder."""
    direction = -1 if request.form.get("direction") == "up" else 1
    _simple_action(survey, lambda: move(direction), message)
    return redirect(url_for("surveys.build", survey_id=survey.id, _anchor=anchor))


@bp.route("/surveys/<int:survey_id>/equality", methods=["POST"])
@role_required(*EDITORS)
def add_equality(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    out = _simple_action(survey, lambda: builder.add_equality_section(current_user, survey),
                         _("Equality monitoring section added: 8 optional questions, each with “Prefer not to say”."))
    return out if not hasattr(out, "is_equality") else redirect(url_for("surveys.build", survey_id=survey.id, _anchor=f"section-{out.id}"))


@bp.route("/surveys/<int:survey_id>/copy", methods=["POST"])
@role_required(*EDITORS)
def copy(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    out = _simple_action(survey, lambda: versions.copy_survey(current_user, survey),
                         _("New version made. It has the same questions and no answers; change it, then set its dates to open it."))
    return out if not hasattr(out, "code") else redirect(url_for("surveys.build", survey_id=out.id))


@bp.route("/surveys/<int:survey_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    from ..core import deletion

    form = ConfirmForm()
    plan = versions.delete_plan(survey)
    if form.validate_on_submit():
        consultation_id = survey.consultation_id
        title = survey.title
        try:
            versions.delete_survey(current_user, survey)
            db.session.commit()
        except deletion.DeleteRefused as error:
            db.session.rollback()
            flash(str(error))
            return redirect(url_for("surveys.build", survey_id=survey_id))
        flash(_("Survey deleted: %(title)s.", title=title), "success")
        return redirect(url_for("consultations.page", consultation_id=consultation_id))
    return render_template("surveys/manage/confirm_delete.html", survey=survey, form=form, kind="survey", name=survey.title,
                           warning=plan.sentence(), back=url_for("surveys.build", survey_id=survey.id),
                           deletion_plan=deletion.plan(survey), action=url_for("surveys.delete", survey_id=survey.id))


# ---- sections ------------------------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>/sections/new", methods=["GET", "POST"])
@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def section_form(survey_id, section_id=None):
    survey = builder.get_for_manage(current_user, survey_id)
    section = builder.get_section(survey, section_id) if section_id else None
    form = SectionForm(obj=section)
    conflict = None
    if form.validate_on_submit():
        saved, conflict = _save(form, lambda: builder.save_section(current_user, survey, section, {"title": form.title.data, "intro": form.intro.data},
                                                                   form.version.data),
                                SurveySection, section.id if section else None)
        if saved:
            flash(_("Section saved."), "success")
            return redirect(url_for("surveys.build", survey_id=survey.id))
    return render_template("surveys/manage/section.html", survey=survey, section=section, form=form, conflict=conflict), _status(form, conflict)


def _delete_part(survey, problems: list[str], delete, done: str, kind: str, name: str, warning: str, action: str):
    """The confirm page for deleting a section or a question, and the delete. ``problems``
    (what stops it, such as conditions that depend on it) refuse it with a 409."""
    form = ConfirmForm()
    if form.validate_on_submit() and not problems:
        delete()
        db.session.commit()
        flash(done, "success")
        return redirect(url_for("surveys.build", survey_id=survey.id))
    return render_template("surveys/manage/confirm_delete.html", survey=survey, form=form, kind=kind, name=name,
                           warning=". ".join(problems) if problems else warning, refused=bool(problems),
                           back=url_for("surveys.build", survey_id=survey.id), action=action), (
        409 if problems and request.method == "POST" else 200)


@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def section_delete(survey_id, section_id):
    survey = builder.get_for_manage(current_user, survey_id)
    section = builder.get_section(survey, section_id)
    count = len(section.questions)
    return _delete_part(survey, builder.delete_section_plan(survey, section), lambda: builder.delete_section(current_user, survey, section),
                        _("Section deleted."), "section", section.title,
                        ngettext("Its %(num)s question will be deleted with it.", "Its %(num)s questions will be deleted with it.", count) if count else "",
                        url_for("surveys.section_delete", survey_id=survey.id, section_id=section.id))


@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/move", methods=["POST"])
@role_required(*EDITORS)
def section_move(survey_id, section_id):
    survey = builder.get_for_manage(current_user, survey_id)
    section = builder.get_section(survey, section_id)
    return _move(survey, lambda direction: builder.move_section(current_user, survey, section, direction), _("Section moved."),
                 f"section-{section.id}")


# ---- questions -----------------------------------------------------------------------------

def _question_data(form) -> dict:
    return {name: getattr(form, name).data for name in ("text", "hint", "options", "rows", "allow_other", "randomise", "min", "max",
                                                         "whole", "low_label", "high_label", "required", "personal",
                                                         "out_of_base", "exclusive")}


@bp.route("/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def question_new(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    args = Query()
    section = builder.get_section(survey, args.text("section") or None)
    qtype = args.text("type", 60)
    if qtype not in qtypes.REGISTRY:
        return render_template("surveys/manage/choose_type.html", survey=survey, section=section, types=qtypes.choices(),
                               error="Choose a kind of question" if args.has("type") else None)
    kind = qtypes.get(qtype)
    form = QuestionForm()
    if request.method == "GET":
        form.options.data = "\n".join(kind.default_options)
        form.rows.data = "\n".join(kind.default_rows)
    if form.validate_on_submit() and _save(form, lambda: builder.add_question(current_user, survey, section, qtype, _question_data(form)))[0]:
        flash(_("Question added."), "success")
        return redirect(url_for("surveys.build", survey_id=survey.id, _anchor=f"section-{section.id}"))
    return render_template("surveys/manage/question.html", survey=survey, section=section, kind=kind, form=form, question=None,
                           counts={}), _status(form)


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def question_edit(survey_id, question_id):
    survey = builder.get_for_manage(current_user, survey_id)
    question = builder.get_question(survey, question_id)
    kind = qtypes.type_of(question)
    form = QuestionForm()
    conflict = None
    if request.method == "GET":
        form.text.data, form.hint.data, form.required.data = question.text, question.hint, question.required
        form.randomise.data, form.personal.data = question.randomise, question.personal
        form.options.data = "\n".join(o.label for o in question.choices() if not (o.invites_text and o.label == builder.OTHER_LABEL))
        form.rows.data = "\n".join(o.label for o in question.rows())
        form.allow_other.data = any(o.invites_text and o.label == builder.OTHER_LABEL for o in question.options)
        form.out_of_base.data = builder.lists_of(question)["out_of_base"]
        form.exclusive.data = builder.lists_of(question)["exclusive"]
        s = question.settings or {}
        form.min.data = "" if s.get("min") is None else qtypes._fmt(s["min"]).replace(",", "")
        form.max.data = "" if s.get("max") is None else qtypes._fmt(s["max"]).replace(",", "")
        form.whole.data = bool(s.get("whole"))
        form.low_label.data, form.high_label.data = s.get("low_label", ""), s.get("high_label", "")
        form.version.data = question.version
    if form.validate_on_submit():
        saved, conflict = _save(form, lambda: builder.update_question(current_user, survey, question, _question_data(form), form.version.data),
                                SurveyQuestion, question.id)
        if saved:
            flash(_("Question saved."), "success")
            return redirect(url_for("surveys.build", survey_id=survey.id, _anchor=f"question-{question.id}"))
        if conflict:
            now = builder.lists_of(question) if not conflict.gone else {}
            for change in conflict.changes:
                if change.key in now:   # answers and statements as the form shows them, not option ids
                    change.now = now[change.key] or "(blank)"
    counts = builder.option_answer_counts(question) if builder.answer_count(survey) else {}
    return render_template("surveys/manage/question.html", survey=survey, section=question.section, kind=kind, form=form,
                           question=question, counts=counts, conflict=conflict,
                           number=structure.numbers(survey)[question.id]), _status(form, conflict)


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def question_delete(survey_id, question_id):
    survey = builder.get_for_manage(current_user, survey_id)
    question = builder.get_question(survey, question_id)
    return _delete_part(survey, builder.delete_question_plan(survey, question), lambda: builder.delete_question(current_user, survey, question),
                        _("Question deleted."), "question", f"{structure.numbers(survey)[question.id]}: {question.text}", "",
                        url_for("surveys.question_delete", survey_id=survey.id, question_id=question.id))


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/move", methods=["POST"])
@role_required(*EDITORS)
def question_move(survey_id, question_id):
    survey = builder.get_for_manage(current_user, survey_id)
    question = builder.get_question(survey, question_id)
    return _move(survey, lambda direction: builder.move_question(current_user, survey, question, direction), _("Question moved."),
                 f"question-{question.id}")


def _rule_page(survey, target, what: str, action: str):
    candidates = [q for q in structure.earlier_questions(survey, target) if qtypes.type_of(q).ops]
    numbers = structure.numbers(survey)
    source = builder.get_question(survey, _source) if (_source := Query().text("source") or request.form.get("source")) else None
    error, error_field, conflict = None, None, None
    version = target.version
    if source is not None and source not in candidates:
        error, error_field, source = _("Choose a question that comes before this one"), "source", None
    if request.method == "POST" and PlainForm().validate_on_submit():
        # One page, several posting buttons (no JavaScript): add a condition, change how they
        # combine, remove one, or remove them all.
        step = "clear" if request.form.get("clear") else request.form.get("step", "add")
        data = {"question_id": request.form.get("source", ""), "op": request.form.get("op", ""),
                "value": request.form.getlist("value"), "mode": request.form.get("mode", "all")}
        posted_version = request.form.get("version")
        target_id = target.id
        try:
            if step == "clear":
                conditions.set_rule(current_user, survey, target, {"question_id": ""}, posted_version)
                done = _("Condition removed: it is always shown.")
            elif step == "remove":
                conditions.remove_condition(current_user, survey, target, (to_id(request.form.get("index")) or 0) - 1, posted_version)
                done = _("Condition removed.") if target.rule else _("Condition removed: it is always shown.")
            elif step == "mode":
                conditions.set_rule_mode(current_user, survey, target, data["mode"], posted_version)
                done = _("Condition saved.")
            else:
                conditions.add_condition(current_user, survey, target, data, posted_version)
                done = _("Condition saved.")
            db.session.commit()
        except (EditConflict, *CONFLICTS) as problem:
            # Someone else changed this condition since the page was loaded: nothing saved.
            db.session.rollback()
            found = as_conflict(problem, type(target), target_id, request.form.get("version"))
            conflict = found.describe()
            if conflict.gone:
                flash(_("That has been deleted by someone else, so the condition could not be saved."), "error")
                return redirect(url_for("surveys.build", survey_id=survey.id))
            version = conflict.current_version
            error, error_field = _("Someone else changed this condition while you were editing it, so yours has not been saved yet. "
                                   "Check what they changed, then save again."), "source"
        except builder.BuildError as problem:
            db.session.rollback()
            error, error_field = problem.message, {"question_id": "source"}.get(problem.field, problem.field)
        else:
            flash(done, "success")
            if step in ("add", "remove") and target.rule:
                return redirect(action)   # back to this page, to add another or finish
            return redirect(url_for("surveys.build", survey_id=survey.id))
    return render_template("surveys/manage/rule.html", survey=survey, target=target, what=what, candidates=candidates,
                           numbers=numbers, source=source, kind=qtypes.type_of(source) if source else None, ops=qtypes.OPS,
                           current=structure.describe_rule(survey, target.rule), error=error,
                           conditions=[structure.describe_condition(survey, c, numbers) for c in structure.conditions(target.rule)],
                           mode=structure.rule_mode(target.rule), max_conditions=structure.MAX_CONDITIONS,
                           posted=request.form if request.method == "POST" else {}, error_field=error_field,
                           action=action, form=PlainForm(), conflict=conflict, version=version,
                           wards=field(source, None)["wards"] if source is not None and source.qtype == "area" else []), (
                               409 if conflict else 400 if error else 200)


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/rule", methods=["GET", "POST"])
@role_required(*EDITORS)
def question_rule(survey_id, question_id):
    survey = builder.get_for_manage(current_user, survey_id)
    question = builder.get_question(survey, question_id)
    number = structure.numbers(survey)[question.id]
    return _rule_page(survey, question, f"{number}: {question.text}", url_for("surveys.question_rule", survey_id=survey.id, question_id=question.id))


@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/rule", methods=["GET", "POST"])
@role_required(*EDITORS)
def section_rule(survey_id, section_id):
    survey = builder.get_for_manage(current_user, survey_id)
    section = builder.get_section(survey, section_id)
    return _rule_page(survey, section, section.title, url_for("surveys.section_rule", survey_id=survey.id, section_id=section.id))


# ---- sharing, paper version and access codes -----------------------------------------------

@bp.route("/surveys/<int:survey_id>/share")
@role_required(*EDITORS)
def share(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    return render_template("surveys/manage/share.html", survey=survey, public_url=lifecycle.public_url(survey),
                           short_url=_short_url(survey))


@bp.route("/surveys/<int:survey_id>/codes", methods=["GET", "POST"])
@role_required(*EDITORS)
def codes(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    form = CodesForm()
    if form.validate_on_submit():
        batch = access_codes.generate(current_user, survey, form.count.data)
        db.session.commit()
        flash(ngettext("%(count)s access code made in batch %(batch)s.", "%(count)s access codes made in batch %(batch)s.", form.count.data,
                       count=f"{form.count.data:,}", batch=batch), "success")
        return redirect(url_for("surveys.codes", survey_id=survey.id))
    return render_template("surveys/manage/codes.html", survey=survey, form=form, batches=access_codes.batches(survey)), (
        400 if form.errors else 200)


@bp.route("/surveys/<int:survey_id>/codes/<int:batch>")
@role_required(*EDITORS)
def codes_print(survey_id, batch):
    survey = builder.get_for_manage(current_user, survey_id)
    items = access_codes.batch_codes(survey, batch)
    if Query().flag("format", on="csv"):
        body = access_codes.batch_csv(survey, items, _short_url(survey))
        return Response(body, mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-codes-batch-{batch}.csv"'})
    return render_template("surveys/manage/codes_print.html", survey=survey, batch=batch, items=items,
                           short_url=_short_url(survey), show=answering.show_reference)
