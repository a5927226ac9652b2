"""Staff pages for answers: paper and phone entry, CSV import, live results with cross-tabs,
comments and themes, who answered, exports, publishing to the consultation database, and
the population profiles (reference data, officers)."""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from ..core import metrics
from ..core.i18n import gettext as _, ngettext
from ..core.params import Query, to_int
from ..accounts.roles import OFFICER
from ..consultations import services as consultations
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.errors import bad_request, not_found
from ..core.forms import attach_error
from ..core.submit import submit
from ..core.jobs import NOT_YOURS
from ..core.pagination import paginate
from ..core.params import to_id
from ..core.security import role_required
from ..extensions import db
from ..partnership.models import Area
from . import analysis, builder, comments as comment_service, entry, records, exports, import_jobs, population, publishing, structure
from . import bp
from .equality import AGE_BANDS, SEXES
from .forms import PlainForm, PopulationConfirmForm, PopulationUploadForm, PublishForm, ThemeForm, UploadForm
from .models import CHANNELS, SurveyAnswer
from .views_public import _keep_contact, field

EDITORS = consultations.EDITOR_ROLES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- paper and phone entry -----------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>/entry", methods=["GET", "POST"])
@role_required(*EDITORS)
def entry_form(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    numbers = structure.numbers(survey)
    errors, form_error, submitted = {}, "", None
    if request.method == "POST":
        if not PlainForm().validate_on_submit():
            form_error = _("The form had expired. Enter the answers again")
        else:
            try:
                result = entry.enter(current_user, survey, request.form)
            except entry.AlreadySaved as saved:
                db.session.rollback()
                existing = entry.saved_with(saved.key)
                if existing is None:
                    raise
                result = entry.Entered(existing, duplicate=True)
            if result.response is not None:
                db.session.commit()
                if not result.duplicate:
                    metrics.survey_submitted(result.response.channel)   # paper, phone ... (a fixed list)
                if result.email and not result.duplicate:
                    _keep_contact(survey, result.email)
                if result.duplicate:
                    flash(_("These answers were already saved (reference %(reference)s). They were not saved twice.",
                            reference=result.response.reference))
                else:
                    message = _("Saved: reference %(reference)s.", reference=result.response.reference)
                    if result.dropped:
                        message += " " + _("Answers to %(questions)s were left out: the form's conditions say those questions "
                                           "are skipped for these answers.", questions=", ".join(result.dropped))
                    flash(message, "success")
                return redirect(url_for("surveys.entry_form", survey_id=survey.id, channel=request.form.get("channel")))
            db.session.rollback()
            errors, form_error, submitted = result.errors, result.form_error, request.form
    fields = [field(q, numbers[q.id], form=submitted, error=errors.get(q.id)) for q in structure.ordered_questions(survey)]
    channel = submitted.get("channel", "paper") if submitted else Query().text("channel", 40, default="paper")
    return render_template("surveys/manage/entry.html", survey=survey, fields=fields, errors=errors, form_error=form_error,
                           channels=entry.ENTRY_CHANNELS, channel=channel, key=entry.new_key(), form=PlainForm(),
                           code_error=errors.get(-1), channel_error=errors.get(0), email_error=errors.get(entry.EMAIL_ERROR),
                           access_code=(submitted or {}).get("access_code", ""),
                           contact_email=(submitted or {}).get("contact_email", "")), (400 if errors or form_error else 200)


def _import_job(survey, token: str) -> dict:
    """The upload record, if it is this survey's and this person's; else 404."""
    return import_jobs.UPLOADS.load_for(token, survey_id=survey.id, user_id=current_user.id) or not_found(NOT_YOURS)


@bp.route("/surveys/<int:survey_id>/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_answers(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    form = UploadForm()
    problems, cells = [], []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(entry.MAX_IMPORT_BYTES + 1) if upload else b""
        if not data:
            form.file.errors = ["Choose a CSV file"]
        else:
            try:
                check = entry.check_file(survey, upload.filename or "", data)
            except entry.EntryProblems as error:
                problems, cells = error.problems, error.cells
            else:
                token = import_jobs.store(survey, current_user, check, data)
                return redirect(url_for("surveys.import_preview", survey_id=survey.id, token=token))
    return render_template("surveys/manage/import.html", survey=survey, form=form, problems=problems, cells=cells,
                           record=None, token=None, confirm=PlainForm()), (400 if problems or form.errors else 200)


@bp.route("/surveys/<int:survey_id>/import/<token>", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_preview(survey_id, token):
    """GET: what the checked file holds, with the Import button. POST: start the import in
    the background (claimed once) and go to its progress page."""
    survey = builder.get_for_manage(current_user, survey_id)
    record = _import_job(survey, token)
    if request.method == "POST":
        if not PlainForm().validate_on_submit():
            return redirect(url_for("surveys.import_preview", survey_id=survey.id, token=token))
        # A second press is told the import runs or ran; an import whose worker died (its
        # claim's lease ran out) is started again, once.
        if import_jobs.start(current_app._get_current_object(), token, takeover=import_jobs.UPLOADS.stalled(token)) is None:
            record = import_jobs.load(token) or record
            if record.get("state") == import_jobs.DONE:
                flash(_("This file has already been imported: it was not imported twice."), "info")
            else:
                flash(_("This file is already being imported, so it was not started again. Its progress is below."), "info")
        return redirect(url_for("surveys.import_progress", survey_id=survey.id, token=token))
    if record.get("state") in (import_jobs.RUNNING, import_jobs.DONE):
        return redirect(url_for("surveys.import_progress", survey_id=survey.id, token=token))
    return render_template("surveys/manage/import.html", survey=survey, form=UploadForm(), problems=[], cells=[], record=record,
                           token=token, confirm=PlainForm(), channels=CHANNELS)


@bp.route("/surveys/<int:survey_id>/import/<token>/progress")
@role_required(*EDITORS)
def import_progress(survey_id, token):
    survey = builder.get_for_manage(current_user, survey_id)
    record = _import_job(survey, token)
    state = record.get("state")
    stalled = import_jobs.UPLOADS.stalled(token)
    refresh = Query().text("refresh") != "off" and state == import_jobs.RUNNING and not stalled
    return render_template("surveys/manage/import_progress.html", survey=survey, record=record, token=token,
                           refresh=refresh, stalled=stalled, restart_form=PlainForm()), (400 if state == import_jobs.FAILED else 200)


@bp.route("/surveys/<int:survey_id>/import/template.csv")
@role_required(*EDITORS)
def import_template(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    return Response(entry.template_csv(survey), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-template.csv"'})


# ---- results -------------------------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>/results")
@role_required(*EDITORS)
def results(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    dims = analysis.dimensions(survey)
    args = Query()
    by = args.choice("by", dims, default="")
    weighted = args.flag("weighted")
    show_moe = args.flag("moe")
    public_view = args.flag("view", on="public")
    data = analysis.results(survey, by=by or None, weighted=weighted, show_moe=show_moe, public=public_view)
    return render_template("surveys/manage/results.html", survey=survey, data=data, dims=dims, by=by, weighted=weighted,
                           show_moe=show_moe, public_view=public_view, ui=analysis.ui_label)


@bp.route("/surveys/<int:survey_id>/who-answered")
@role_required(*EDITORS)
def who_answered(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    people = analysis.load_people(survey)
    tables = population.who_answered(survey, people)
    return render_template("surveys/manage/who_answered.html", survey=survey, tables=tables, people=len(people),
                           demo=population.has_demo_figures(survey), under=population.UNDER)


@bp.route("/surveys/<int:survey_id>/comments", methods=["GET", "POST"])
@role_required(*EDITORS)
def comments(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    theme_form = ThemeForm()
    if request.method == "POST" and request.form.get("action") == "add-theme":
        if theme_form.validate_on_submit():
            try:
                comment_service.add_theme(current_user, survey, theme_form.name.data)
                db.session.commit()
                flash(_("Theme added."), "success")
                return redirect(url_for("surveys.comments", survey_id=survey.id))
            except builder.BuildError as error:
                db.session.rollback()
                theme_form.name.errors = [error.message]
    elif request.method == "POST" and request.form.get("action") == "delete-theme" and PlainForm().validate_on_submit():
        try:
            comment_service.delete_theme(current_user, survey, request.form.get("theme_id"))
            db.session.commit()
            flash(_("Theme deleted."), "success")
        except builder.BuildError as error:
            db.session.rollback()
            flash(error.message)
        return redirect(url_for("surveys.comments", survey_id=survey.id))
    return _comments_page(survey, theme_form, Query())


def _filters(args) -> dict:
    """The comment search as the page's address (or the bulk form's hidden fields) gives it."""
    args = Query(args)
    return {"question_id": args.id("question"), "theme_id": args.id("theme"), "text": args.text("q", 100),
            "uncoded": args.flag("uncoded")}


def _comments_page(survey, theme_form, args, conflict=None, conflict_answer=None, mine=None, bulk_error=None, status=None):
    questions = comment_service.text_questions(survey)
    found = _filters(args)
    page = paginate(comment_service.comments_query(survey, **found), per_page=comment_service.PER_PAGE)
    return render_template("surveys/manage/comments.html", survey=survey, page=page, questions=questions, channels=CHANNELS,
                           numbers=structure.numbers(survey), **found,
                           counts=comment_service.theme_counts(survey), theme_form=theme_form,
                           examples=comment_service.theme_examples(survey), flags=comment_service.flags(page.items),
                           last_batch=comment_service.last_batch(survey), bulk_error=bulk_error,
                           selected=[n for n in (to_id(v) for v in request.form.getlist("selected")) if n] if bulk_error else [],
                           form=PlainForm(), conflict=conflict, conflict_answer=conflict_answer, mine=mine or []), (
        status or (409 if conflict else 400 if theme_form.errors or bulk_error else 200))


def _comments_back(survey) -> str:
    back = request.form.get("back") or ""
    return back if back.startswith(f"/surveys/{survey.id}/comments") else url_for("surveys.comments", survey_id=survey.id)


@bp.route("/surveys/<int:survey_id>/comments/bulk", methods=["POST"])
@role_required(*EDITORS)
def bulk_code(survey_id):
    """Add a theme to (or take it off) the ticked comments, or every comment the search found."""
    survey = builder.get_for_manage(current_user, survey_id)
    back = _comments_back(survey)
    args = MultiDict(parse_qsl(back.split("?", 1)[1])) if "?" in back else MultiDict()
    if not PlainForm().validate_on_submit():
        flash(_("The form had expired. Tick the comments again."))
        return redirect(back)
    if request.form.get("scope") == "all":
        ids = list(db.session.scalars(comment_service.comments_query(survey, **_filters(args)).with_only_columns(SurveyAnswer.id)))
    else:
        ids = request.form.getlist("selected")
    action = request.form.get("action", "add")
    try:
        batch = comment_service.bulk_code(current_user, survey, ids, request.form.get("theme"), action)
        name, count = batch.theme.name, len(batch.answer_ids)
        db.session.commit()
    except builder.BuildError as error:
        db.session.rollback()
        return _comments_page(survey, ThemeForm(formdata=None), args, bulk_error=error)
    if action == "add":
        message = ngettext("Theme ‘%(theme)s’ added to %(count)s comment. You can undo this below the search.",
                           "Theme ‘%(theme)s’ added to %(count)s comments. You can undo this below the search.",
                           count, theme=name, count=f"{count:,}")
    else:
        message = ngettext("Theme ‘%(theme)s’ taken off %(count)s comment. You can undo this below the search.",
                           "Theme ‘%(theme)s’ taken off %(count)s comments. You can undo this below the search.",
                           count, theme=name, count=f"{count:,}")
    flash(message, "success")
    return redirect(back)


@bp.route("/surveys/<int:survey_id>/comments/suggestions", methods=["GET", "POST"])
@role_required(*EDITORS)
def theme_suggestions(survey_id):
    """Themes proposed for the comments nobody has coded yet; the coder accepts (perhaps with
    a new name) or rejects each. Rejected ones stay hidden for this person's session."""
    from . import suggest

    survey = builder.get_for_manage(current_user, survey_id)
    hidden = session.setdefault("rejected_suggestions", {}).setdefault(str(survey.id), [])
    error, status = None, 200
    if request.method == "POST" and PlainForm().validate_on_submit():
        key = (request.form.get("key") or "")[:16]
        if request.form.get("decision") == "reject":
            session["rejected_suggestions"][str(survey.id)] = (hidden + [key])[-200:]
            session.modified = True
            suggest.reject(current_user, survey, request.form.get("name") or "")
            db.session.commit()
            flash(_("Suggestion rejected."), "success")
            return redirect(url_for("surveys.theme_suggestions", survey_id=survey.id))
        try:
            batch = suggest.accept(current_user, survey, request.form.get("name", ""), request.form.getlist("selected"))
            name, count = batch.theme.name, len(batch.answer_ids)
            db.session.commit()
        except builder.BuildError as problem:
            db.session.rollback()
            error, status = problem.message, 400
        else:
            flash(ngettext("Theme ‘%(theme)s’ added to %(count)s comment. You can undo this on the comments page.",
                           "Theme ‘%(theme)s’ added to %(count)s comments. You can undo this on the comments page.",
                           count, theme=name, count=f"{count:,}"), "success")
            return redirect(url_for("surveys.theme_suggestions", survey_id=survey.id))
    found = suggest.suggest(survey, rejected=set(hidden))
    return render_template("surveys/manage/suggestions.html", survey=survey, suggestions=found, form=PlainForm(), error=error,
                           error_key=(request.form.get("key") if error else None), typed=request.form.get("name", "")), status


@bp.route("/surveys/<int:survey_id>/comments/undo/<int:batch_id>", methods=["POST"])
@role_required(*EDITORS)
def undo_coding(survey_id, batch_id):
    survey = builder.get_for_manage(current_user, survey_id)
    back = _comments_back(survey)
    if PlainForm().validate_on_submit():
        try:
            batch = comment_service.undo(current_user, survey, batch_id)
            name, count = batch.theme.name, len(batch.answer_ids)
            db.session.commit()
        except builder.BuildError as error:
            db.session.rollback()
            not_found(error.message)
        flash(ngettext("Undone: ‘%(theme)s’ is back as it was on %(count)s comment.", "Undone: ‘%(theme)s’ is back as it was on %(count)s comments.",
                   count, theme=name, count=f"{count:,}"), "success")
    return redirect(back)


@bp.route("/surveys/<int:survey_id>/comments/<int:answer_id>", methods=["POST"])
@role_required(*EDITORS)
def code_comment(survey_id, answer_id):
    survey = builder.get_for_manage(current_user, survey_id)
    answer = comment_service.get_comment(survey, answer_id)
    if answer is None:
        not_found(_("There is no comment with that number in this survey."))
    if PlainForm().validate_on_submit():
        answer_id = answer.id
        try:
            comment_service.code_comment(current_user, survey, answer, request.form.getlist("theme"), request.form.get("version"))
            db.session.commit()
            flash(_("Themes saved for the comment."), "success")
        except (EditConflict, *CONFLICTS) as problem:
            # Someone else coded this comment since the page was loaded: nothing is saved; the
            # page says what they chose, and this person's ticks stay on the comment's form.
            db.session.rollback()
            conflict = as_conflict(problem, SurveyAnswer, answer_id, request.form.get("version")).describe()
            mine = [t for t in (to_id(v) for v in request.form.getlist("theme")) if t]
            names = {t.id: t.name for t in survey.themes}
            for change in conflict.changes:
                if change.key == "themes":
                    change.label, change.yours = "Themes", ", ".join(names[t] for t in mine if t in names) or "(none)"
            back = request.form.get("back") or ""
            args = MultiDict(parse_qsl(back.split("?", 1)[1])) if "?" in back and back.startswith(f"/surveys/{survey.id}/comments") else {}
            return _comments_page(survey, ThemeForm(formdata=None), args, conflict=conflict, conflict_answer=answer_id, mine=mine)
        except builder.BuildError as error:
            db.session.rollback()
            flash(error.message)
    back = request.form.get("back") or ""
    if not back.startswith(f"/surveys/{survey.id}/comments"):
        back = url_for("surveys.comments", survey_id=survey.id)
    return redirect(back + f"#comment-{answer.id}")


# ---- exports and publishing ----------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>/export/<what>.<ext>")
@role_required(*EDITORS)
def export(survey_id, what, ext):
    survey = builder.get_for_manage(current_user, survey_id)
    if what not in ("responses", "results") or ext not in ("csv", "xlsx"):
        not_found(_("There is no export with that name. Choose responses or results, as CSV or Excel."))
    if what == "responses":
        headers, rows = exports.response_table(survey)
    else:
        headers, rows = exports.results_table(survey, public=Query().flag("view", on="public"))
    name = f"survey-{survey.id}-{what}.{ext}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    if ext == "csv":
        return Response(exports.to_csv(headers, rows), mimetype="text/csv; charset=utf-8", headers=disposition)
    notes = exports.results_notes(survey) if what == "results" else []
    return Response(exports.to_xlsx(headers, rows, what, notes), mimetype=XLSX, headers=disposition)


@bp.route("/surveys/<int:survey_id>/publish", methods=["GET", "POST"])
@role_required(*EDITORS)
def publish(survey_id):
    survey = builder.get_for_manage(current_user, survey_id)
    form = PublishForm()
    # AlreadyMoved (409): someone else published a moment ago.
    outcome = submit(form, lambda: publishing.publish(current_user, survey, results_public=bool(form.results_public.data)),
                     refused=builder.BuildError, to=url_for("consultations.page", consultation_id=survey.consultation_id, _anchor="results"),
                     done=lambda summary: ngettext("Published to the consultation database: %(num)s question with %(figures)s figures. "
                                                   "They are searchable like any import.",
                                                   "Published to the consultation database: %(num)s questions with %(figures)s figures. "
                                                   "They are searchable like any import.",
                                                   summary.questions_added + summary.questions_replaced,
                                                   figures=f"{summary.figures:,}"))
    return outcome.response or (render_template("surveys/manage/publish.html", survey=survey, form=form,
                                                people=records.counted_total(survey), refusal=publishing.open_refusal(survey)),
                                outcome.status)


# ---- population profiles (officers) --------------------------------------------------------

def _population_page(form, problems=(), status=None):
    return render_template("surveys/manage/population.html", form=form, problems=list(problems), areas=population.areas_with_figures(),
                           loads=population.recent_loads(),
                           wards=db.session.scalars(db.select(Area).where(Area.level.in_(("borough", "town", "ward"))).order_by(Area.name)).all()), (
        status or (400 if problems or form.errors else 200))


@bp.route("/admin/population", methods=["GET", "POST"])
@role_required(OFFICER)
def population_admin():
    """Upload a CSV: the next page shows what was read and asks to confirm; nothing is
    stored until then (population.preview, population.confirm)."""
    form = PopulationUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(5 * 1024 * 1024) if form.file.data else b""
        if not data:
            attach_error(form.file, "Choose a CSV file of population figures")
            return _population_page(form)
        checked = population.preview(data, form.source.data, form.figures_date.data)
        return render_template("surveys/manage/population_preview.html", preview=checked,
                               confirm=PopulationConfirmForm(formdata=None, figures=checked.signed)), (200 if checked.can_confirm else 400)
    return _population_page(form)


@bp.route("/admin/population/confirm", methods=["POST"])
@role_required(OFFICER)
def population_confirm():
    form = PopulationConfirmForm()
    if not form.validate_on_submit():
        bad_request(_("This check could not be read. Upload the file again."))
    try:
        load, stored = population.confirm(current_user, form.figures.data)
        db.session.commit()
    except population.PopulationProblem as error:
        db.session.rollback()
        return _population_page(PopulationUploadForm(formdata=None), error.problems, 400)
    except IntegrityError:
        # A second confirm of the same check raced this one and stored it first.
        db.session.rollback()
        flash(_("These figures were loaded already. They are stored once."), "success")
        return redirect(url_for("surveys.population_admin"))
    if stored:
        flash(ngettext("%(count)s population figure loaded from %(source)s.", "%(count)s population figures loaded from %(source)s.",
                       load.rows, count=f"{load.rows:,}", source=load.source), "success")
    else:
        flash(_("These figures were loaded already. They are stored once."), "success")
    return redirect(url_for("surveys.population_admin"))


@bp.route("/admin/population.csv")
@role_required(OFFICER)
def population_csv():
    return Response(population.export_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="population-profiles.csv"'})


@bp.route("/admin/population/<int:area_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def population_area(area_id):
    area = db.session.get(Area, to_id(area_id) or -1)
    if area is None:
        not_found(_("There is no area with that number."))
    existing = {(f.age_band, f.sex): f for f in population.figures_for([area.id]) if f.kind == "age-sex"}
    errors = {}
    values = {}
    conflict, version = None, area.version
    if request.method == "POST" and PlainForm().validate_on_submit():
        counts = {}
        for a, age in enumerate(AGE_BANDS):
            for s, sex in enumerate(SEXES):
                raw = (request.form.get(f"c-{a}-{s}") or "").replace(",", "").strip()
                values[(a, s)] = raw
                if raw == "":
                    counts[(age, sex)] = None
                elif to_int(raw, 0, 10_000_000) is not None:
                    counts[(age, sex)] = int(raw)
                else:
                    errors[(a, s)] = _("%(age)s, %(sex)s: enter a whole number from 0 to 10,000,000", age=age, sex=sex)
        if not errors:
            try:
                population.save_area_figures(current_user, area, counts, request.form.get("version"))
                db.session.commit()
            except (EditConflict, *CONFLICTS) as problem:
                # Someone else saved this area's figures since the form was loaded: nothing
                # is saved, the person's numbers stay in the boxes, the panel says what changed.
                db.session.rollback()
                conflict = as_conflict(problem, Area, area_id, request.form.get("version")).describe()
                if conflict.gone:
                    not_found(_("There is no area with that number."))
                version = conflict.current_version
                for change in conflict.changes:
                    age, _sep, sex = change.key.partition(", ")
                    if age in AGE_BANDS and sex in SEXES:
                        change.yours = values[(AGE_BANDS.index(age), SEXES.index(sex))] or "(blank)"
            else:
                flash(_("Population figures saved for %(area)s.", area=area.name), "success")
                return redirect(url_for("surveys.population_admin"))
    else:
        for a, age in enumerate(AGE_BANDS):
            for s, sex in enumerate(SEXES):
                figure = existing.get((age, sex))
                values[(a, s)] = str(figure.count) if figure else ""
    return render_template("surveys/manage/population_area.html", area=area, ages=AGE_BANDS, sexes=SEXES, values=values, errors=errors,
                           demo=any(f.is_demo for f in existing.values()), form=PlainForm(), conflict=conflict,
                           version=version), (409 if conflict else 400 if errors else 200)
