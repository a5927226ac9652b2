"""Pages for results and planning: importing results (upload, column choices, progress,
result, templates), the forward plan and consultation activity by ward. The results
include (``templates/consultations/results/_results.html``) gets its data from the
``consultation_results`` template global registered here."""
from __future__ import annotations

from datetime import date

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core import params
from ..core.errors import not_found
from ..core.forms import EngageForm
from ..core.i18n import N_, gettext as _
from ..core.jobs import NOT_YOURS
from ..core.security import role_required
from ..extensions import db
from ..partnership.services import area_choices
from . import bp, import_jobs, importing, planning, results, services
from .forms_results import ImportUploadForm, LayoutForm, mapping_form
from .import_check import FileCheck, check_file, layout_hint
from .models import AUDIENCES
from ..core import clock

EDITORS = services.EDITOR_ROLES
TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.app_template_global("consultation_results")
def consultation_results(consultation, user=None):
    return results.for_viewer(consultation, user if user is not None else current_user)


def _int_arg(name: str) -> int | None:
    return params.query().id(name)


# ---- importing results -------------------------------------------------------------------

def _job(consultation, token: str) -> dict:
    """The upload record, if it belongs to this consultation and this person; else 404."""
    return import_jobs.UPLOADS.load_for(token, consultation_id=consultation.id, user_id=current_user.id) or not_found(NOT_YOURS)


@bp.route("/consultations/<int:consultation_id>/results/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_upload(consultation_id):
    consultation = services.get_for_edit(current_user, consultation_id)
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        limit = importing.max_bytes()
        data = upload.read(limit + 1)
        message = importing.check_upload(upload.filename or "", len(data))
        sheet = None
        if message is None:
            try:
                sheet = importing.read_file(upload.filename, data, limit=5)
            except importing.ImportProblems as error:
                message = error.messages[0]
        if message:
            form.file.errors.append(str(message))
        else:
            rows = _count_rows(upload.filename, data, sheet)
            token = import_jobs.store(consultation.id, current_user.id, upload.filename, form.format.data, data, rows)
            return redirect(url_for("consultations.import_preview", consultation_id=consultation.id, token=token))
    status = 400 if form.errors else 200
    return render_template("consultations/results/import_upload.html", consultation=consultation, form=form,
                           max_mb=importing.max_bytes() // (1024 * 1024), max_rows=importing.max_rows()), status


def _count_rows(filename: str, data: bytes, sheet) -> int:
    """Rows of data, to choose between importing now and in the background: counted from the
    rows themselves (a workbook's own row count can be wrong), stopping once the file is known
    to be large."""
    if len(sheet.rows) < 5:
        return len(sheet.rows)
    try:
        return importing.count_rows(filename, data, stop_after=import_jobs.background_rows())
    except importing.ImportProblems:
        return sheet.total_rows


def _samples(sheet) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in sheet.rows[:5]:
        for index, value in enumerate(row):
            text = str(value)
            if text and text not in out.setdefault(index, []):
                out[index].append(text if len(text) <= 40 else text[:37] + "…")
    return out


@bp.route("/consultations/<int:consultation_id>/results/import/<token>", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_preview(consultation_id, token):
    """"Check the columns": the whole file is checked against the chosen columns on this page
    (in the background, with progress, for large files) before "Import results"."""
    consultation = services.get_for_edit(current_user, consultation_id)
    record = _job(consultation, token)
    if record.get("state") in ("running", "done"):
        return _already(consultation, token, record)
    if record.get("state") == "checking":
        if not import_jobs.check_stalled(token):
            return redirect(url_for("consultations.import_progress", consultation_id=consultation.id, token=token))
        record = import_jobs.update(token, state="uploaded", phase="", check=None)  # its worker died: check again
    data = import_jobs.data_of(token)
    if data is None:
        not_found("That upload has expired. Upload the file again.")
    fmt = record["format"]
    head = importing.read_file(record["filename"], data, limit=5)
    background = record.get("rows", 0) > import_jobs.background_rows()
    check = FileCheck.from_dict(record.get("check"))
    if check is not None and check.fmt != fmt:
        check = None
    chosen = check.mapping_ints() if check is not None else importing.guess_mapping(head.headers, fmt, head.rows)
    form = mapping_form(head.headers, fmt, chosen, _samples(head), background, replace=bool(check and check.replace))()
    problems: list = []
    attempted = False

    def run_check(mapping, replace):
        """The whole file against these columns: now, or in the background for a large file."""
        if background:
            import_jobs.start_check(current_app._get_current_object(), token, mapping, replace)
            return None
        result = check_file(consultation, importing.read_file(record["filename"], data), fmt, mapping, replace=replace)
        import_jobs.update(token, check=result.as_dict())
        return result

    if request.method == "POST" and form.validate_on_submit():
        mapping = form.mapping()
        replace = bool(form.replace.data)
        if form.check.data:
            check = run_check(mapping, replace)
            if check is None:
                return redirect(url_for("consultations.import_progress", consultation_id=consultation.id, token=token))
        else:
            attempted = True
            problems = importing.check_mapping(head, fmt, mapping)
            if not problems and background:
                auto = bool(getattr(form, "auto_refresh", None) and form.auto_refresh.data)
                if import_jobs.start(current_app._get_current_object(), token, mapping, replace) is None:
                    return _already(consultation, token, import_jobs.load(token) or record)
                return redirect(url_for("consultations.import_progress", consultation_id=consultation.id, token=token,
                                        refresh=None if auto else "off"))
            if not problems:
                # Claim the upload first: a second submission (a double click) is told it ran.
                if not import_jobs.claim(token, mapping, replace):
                    return _already(consultation, token, import_jobs.load(token) or record)
                try:
                    summary = importing.import_results(current_user, consultation, record["filename"], data, fmt=fmt,
                                                       mapping=mapping, replace=replace)
                    db.session.commit()
                except importing.ImportProblems as error:
                    db.session.rollback()
                    problems = error.problems
                    import_jobs.fail(token, error.stored)
                except Exception:
                    db.session.rollback()
                    if import_jobs.consultation_gone(consultation.id):
                        import_jobs.fail(token, [import_jobs.GONE])
                        not_found(import_jobs.GONE)
                    import_jobs.fail(token, [N_("Something went wrong while importing, so nothing was saved. Try again.")])
                    raise
                else:
                    import_jobs.finish(token, summary.as_dict(), summary.rows)
                    return redirect(url_for("consultations.import_done", consultation_id=consultation.id, token=token))
            check = None
    elif request.method == "GET":
        if record.get("state") == "failed":
            attempted = True
            problems = [importing.Problem.from_stored(item) for item in record.get("problems", [])]
        elif check is None:
            check = run_check(chosen, False)
            if check is None:
                return redirect(url_for("consultations.import_progress", consultation_id=consultation.id, token=token))
    if check is not None and not problems:
        problems = [importing.Problem.from_stored(item) for item in check.problems]
    status = 400 if (problems or form.errors) else 200
    return render_template("consultations/results/import_preview.html", consultation=consultation, form=form, record=record,
                           sheet=head, fmt=fmt, problems=problems, attempted=attempted, check=check, background=background,
                           formats=importing.FORMATS, token=token, layout_hint=layout_hint(head.headers, fmt),
                           layout_form=LayoutForm(formdata=None, format="raw" if fmt == "tidy" else "tidy")), status


@bp.route("/consultations/<int:consultation_id>/results/import/<token>/layout", methods=["POST"])
@role_required(*EDITORS)
def import_layout(consultation_id, token):
    """Say the file holds figures or responses after all, without uploading it again."""
    consultation = services.get_for_edit(current_user, consultation_id)
    record = _job(consultation, token)
    form = LayoutForm()
    if record.get("state") in (None, "uploaded", "failed") and form.validate_on_submit():
        import_jobs.update(token, format=form.format.data, check=None, state="uploaded", problems=[])
    return redirect(url_for("consultations.import_preview", consultation_id=consultation.id, token=token))


def _already(consultation, token: str, record: dict):
    """A second submission of an upload that is being or has been imported: say so, and go to
    the page that shows it (the import itself runs once)."""
    if request.method == "POST":
        if record.get("state") == "done":
            flash(_("This file has already been imported, so it was not imported again. This is what it imported."), "info")
        else:
            flash(_("This file is already being imported, so it was not started again. Its progress is below."), "info")
    if record.get("state") == "done":
        return redirect(url_for("consultations.import_done", consultation_id=consultation.id, token=token))
    return redirect(url_for("consultations.import_progress", consultation_id=consultation.id, token=token))


@bp.route("/consultations/<int:consultation_id>/results/import/<token>/progress")
@role_required(*EDITORS)
def import_progress(consultation_id, token):
    consultation = services.get_for_edit(current_user, consultation_id)
    record = _job(consultation, token)
    state = record.get("state")
    if state == "done":
        return redirect(url_for("consultations.import_done", consultation_id=consultation.id, token=token))
    if state == "uploaded" or (state == "checking" and import_jobs.check_stalled(token)):
        return redirect(url_for("consultations.import_preview", consultation_id=consultation.id, token=token))
    stalled = import_jobs.stalled(token)
    refresh = params.query().text("refresh") != "off" and state in ("running", "checking") and not stalled
    # The problems kept with the upload, each written out in this reader's language.
    record = {**record, "problems": [str(importing.Problem.from_stored(item)) for item in record.get("problems") or []]}
    return render_template("consultations/results/import_progress.html", consultation=consultation, record=record,
                           token=token, refresh=refresh, stalled=stalled, restart_form=EngageForm())


@bp.route("/consultations/<int:consultation_id>/results/import/<token>/restart", methods=["POST"])
@role_required(*EDITORS)
def import_restart(consultation_id, token):
    """Start again an import whose worker died part way (its claim's lease ran out)."""
    consultation = services.get_for_edit(current_user, consultation_id)
    _job(consultation, token)
    if EngageForm().validate_on_submit():
        if import_jobs.restart(current_app._get_current_object(), token) is None:
            flash(_("This import is still running, or has been started again already, so it was not started twice."), "info")
    return redirect(url_for("consultations.import_progress", consultation_id=consultation.id, token=token))


@bp.route("/consultations/<int:consultation_id>/results/import/<token>/done")
@role_required(*EDITORS)
def import_done(consultation_id, token):
    consultation = services.get_for_edit(current_user, consultation_id)
    record = _job(consultation, token)
    if record.get("state") != "done":
        return redirect(url_for("consultations.import_progress", consultation_id=consultation.id, token=token))
    summary = record.get("summary") or {}
    ids = set(summary.get("question_ids") or [])
    questions = [q for q in consultation.questions if q.id in ids]
    return render_template("consultations/results/import_done.html", consultation=consultation, summary=summary,
                           questions=questions, published=services.results_published(consultation))


@bp.route("/consultations/results/templates/<fmt>.<ext>")
def import_template(fmt, ext):
    if fmt not in importing.FORMATS or ext not in TEMPLATE_TYPES:
        not_found("There is no template with that name. Choose the tidy or raw template, as CSV or Excel.")
    body = importing.template_file(fmt, ext)
    name = f"engage-results-{fmt}-template.{ext}"
    return Response(body, mimetype=TEMPLATE_TYPES[ext], headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---- planning ----------------------------------------------------------------------------

def _place_arg():
    from ..partnership.services import resolve_place

    return resolve_place(_int_arg("area"), params.query().text("postcode", 20))


@bp.route("/consultations/forward-plan")
def forward_plan():
    today = clock.today()
    place = _place_arg()
    args = params.query()
    audience = args.choice("audience", AUDIENCES)
    month = args.month("month") or today.replace(day=1)
    if place.scope is None and place.postcode is None and _int_arg("area"):
        consultations = []  # an area that is no longer in Engage
    else:
        consultations = planning.plan(current_user, place=place.scope, audience=audience, today=today)
    cal = planning.month_calendar(consultations, month, today)
    return render_template("consultations/planning/forward_plan.html", consultations=consultations, calendar=cal,
                           area_id=place.area_id, place=place, audience=audience, areas=area_choices(), audiences=AUDIENCES,
                           today=today, filtered=bool(place.area_id or place.postcode or audience)), 400 if place.error else 200


@bp.route("/consultations/activity")
def activity():
    today = clock.today()
    place = _place_arg()
    order = params.query().choice("order", ("name", "consultations", "responses"), default="name")
    report = planning.ward_activity(current_user, today=today, place=place.scope,
                                    area_id=None if place.postcode else _int_arg("area"), order=order)
    charts = {m: planning.activity_chart(report, m) for m in ("consultations", "responses")} if report.wards else {}
    return render_template("consultations/planning/activity.html", report=report, charts=charts, area_id=place.area_id,
                           place=place, order=order, areas=area_choices()), 400 if place.error else 200
