"""Consultation pages: the public finder, each consultation's page, "have your say" ("you
said, we did" now lives in engage/sharing), search, and the practitioners' pages to log and manage consultations,
documents and findings."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from ..core import params
from ..core import uploads
from ..core.audit import history
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.deletion import DeleteRefused
from ..core.forms import attach_error
from ..core.i18n import N_, gettext
from ..core.pagecache import kept_page, not_this_time
from ..core.pagination import page_arg, paginate
from ..core.params import to_id
from ..core.security import role_required
from ..core.statements import built
from ..extensions import db
from ..partnership.models import Framework, Priority
from ..partnership.services import (
    area_choices,
    organisation_choices,
    outcome_choices,
    partnership_choices,
    priority_choices,
    resolve_place,
    theme_choices,
)
from . import bp, choices, documents as docs, forms, services, similar as similar_check
from .results import headlines as results_headlines
from .models import AUDIENCES, CHANNELS, STATUSES, VISIBILITY, Consultation, Finding
from .facets import facet_labels
from ..search import state as search_state
from .search import FACETS, INDEX as SEARCH_INDEX, KINDS, covers_labels, hit_url, run_search

EDITORS = services.EDITOR_ROLES
MAX_PARAM = 200


# ---- small helpers -------------------------------------------------------------------------

def _int_arg(name: str) -> int | None:
    return params.query().id(name)


def _str_args(name: str, limit: int = 20) -> list[str]:
    return params.query().texts(name, limit, MAX_PARAM)


def method_url(slug: str) -> str | None:
    """The toolkit page of a method, when the toolkit has a page per entry (the shortest
    public GET route of the toolkit that takes only a slug, e.g. /toolkit/<slug>)."""
    cache = current_app.extensions.setdefault("engage_consultations", {})
    if "method_endpoint" not in cache:
        rules = [r for r in current_app.url_map.iter_rules()
                 if r.endpoint.startswith("toolkit.") and set(r.arguments) == {"slug"} and "GET" in (r.methods or ())
                 and not r.rule.startswith("/admin")]
        cache["method_endpoint"] = min(rules, key=lambda r: len(r.rule)).endpoint if rules else None
    endpoint = cache["method_endpoint"]
    return url_for(endpoint, slug=slug) if endpoint else None


def _template_exists(name: str) -> bool:
    from jinja2 import TemplateNotFound

    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True


@bp.app_context_processor
def _helpers():
    return {
        "audience_label": choices.audience_label,
        "method_label": choices.method_label,
        "method_url": method_url,
        "status_labels": STATUSES,
        "channel_labels": CHANNELS,
        "visibility_labels": VISIBILITY,
    }


def _topic_groups():
    """Priorities grouped by framework, then themes, for the finder's topic filter."""
    groups: dict[str, list] = {}
    rows = db.session.execute(built("topic priorities", lambda: select(Priority.id, Priority.name, Framework.name)
                                    .join(Framework).order_by(Framework.starts_on.desc(), Priority.position)))
    for pid, name, framework in rows:
        groups.setdefault(framework, []).append((f"p{pid}", name))
    themes = [(f"t{tid}", label) for tid, label in theme_choices()]
    if themes:
        groups[gettext("Cross-cutting themes")] = themes
    return groups


# ---- public pages --------------------------------------------------------------------------

def place_arg():
    """The place filter of a list page: ``area`` (an id) or ``postcode`` (the place rule)."""
    return resolve_place(_int_arg("area"), params.query().text("postcode", 20))


def _place_filters(place) -> dict:
    """finder_query's place arguments: the scope found, or (for an area id that no longer
    exists) the id itself, which matches nothing."""
    if place.scope is not None:
        return {"place": place.scope}
    return {"area_id": _int_arg("area")} if place.postcode is None else {}


@bp.route("/consultations")
@kept_page
def finder():
    statuses = [s for s in _str_args("status") if s in STATUSES]
    place = place_arg()
    area_id = place.area_id
    topic = params.query().text("topic", 20)
    priority_id = _int_arg("priority")
    theme_id = _int_arg("theme")
    if topic[:1] in {"p", "t"} and to_id(topic[1:]):
        if topic[0] == "p":
            priority_id = to_id(topic[1:])
        else:
            theme_id = to_id(topic[1:])
    text = params.query().text("q", MAX_PARAM)
    filters = dict(**_place_filters(place), priority_id=priority_id, theme_id=theme_id, text=text or None)
    # What each card shows (organisation, places) loaded with the page: two queries for the
    # page, not two for each consultation on it.
    query = services.finder_query(current_user, statuses=statuses, **filters).options(*services.card_loads())
    # Counts for each status with the other filters applied.
    matching = services.finder_query(current_user, **filters).order_by(None).with_only_columns(
        services.status_expression().label("status")).subquery()
    counts = dict(db.session.execute(select(matching.c.status, func.count()).group_by(matching.c.status)).all())
    # Without a status ticked, the list is everything those counts counted: no second count.
    page = paginate(query, per_page=20, total=None if statuses else sum(counts.values()))
    topic_value = topic if topic else (f"p{priority_id}" if priority_id else (f"t{theme_id}" if theme_id else ""))
    return render_template(
        "consultations/finder.html", page=page, statuses=statuses, place=place, topic=topic_value, text=text,
        counts=counts, areas=area_choices(), topics=_topic_groups(),
        filtered=bool(statuses or area_id or place.postcode or priority_id or theme_id or text),
    ), 400 if place.error else 200


@bp.route("/consultations/<int:consultation_id>")
@kept_page
def page(consultation_id):
    consultation = services.get_for_view(current_user, consultation_id)
    editable = services.can_edit(current_user, consultation)
    published = services.results_published(consultation)
    headlines = results_headlines(consultation) if (published or editable) else {}
    return render_template(
        "consultations/page.html", consultation=consultation, editable=editable, published=published, equality_monitored=services.equality_monitored(consultation),
        show_results=published or editable, headlines=headlines,
        has_results_template=_template_exists("consultations/results/_results.html"),
        history=history(consultation, limit=20) if editable else [],
        size_label=uploads.size_label,
    )


@bp.route("/have-your-say")
@kept_page
def have_your_say():
    public = services.public_audience()
    place = place_arg()
    where = _place_filters(place)
    open_now = db.session.scalars(services.finder_query(public, statuses=["open"], **where)).all()
    coming = db.session.scalars(services.finder_query(public, statuses=["planned"], **where).limit(20)).all()
    return render_template("consultations/have_your_say.html", open_now=open_now, coming=coming, place=place,
                           areas=area_choices()), 400 if place.error else 200


@bp.route("/consultations/<int:consultation_id>/documents/<int:document_id>/download")
def download(consultation_id, document_id):
    consultation = services.get_for_view(current_user, consultation_id)
    document = docs.get_document(consultation, document_id)
    response = docs.send(document, max_age=0, conditional=True)
    if response is None:
        from ..core.errors import not_found

        not_found("This document's file is missing. Contact the person named on the consultation.")
    # Never kept by shared caches (a proxy would go on serving a document after its consultation
    # stops being public); the browser asks again each time, so a change of visibility counts
    # at once. Documents of non-public consultations are not stored at all.
    response.headers["Cache-Control"] = "private, no-store" if consultation.visibility != "public" else "private, no-cache"
    return response


# ---- search --------------------------------------------------------------------------------

FACET_TITLES = {"kind": N_("Type of result"), "status": N_("Status"), "year": N_("Year"),
                "organisation": N_("Organisation"), "partnership": N_("Partnership"), "priority": N_("Priority"),
                "outcome": N_("Outcome"), "area": N_("Area"), "method": N_("Method"),
                "audience": N_("Who was asked"), "channel": N_("Ways to take part")}


@bp.route("/consultations/search")
@kept_page(also=lambda: search_state(SEARCH_INDEX))
def search():
    text = params.query().text("q", 1000)
    selected = {field: _str_args(field) for field in FACETS}
    selected = {k: v for k, v in selected.items() if v}
    results, problem = None, None
    fallback = []
    try:
        results = run_search(current_user, text, selected, page=page_arg())
    except HTTPException:
        raise
    except Exception:
        current_app.logger.exception("Consultation search failed")
        not_this_time()   # a page that fell back is not kept
        problem = gettext("Search is not working properly just now, so here are consultations whose title or summary "
                          "match your words.")
        fallback = db.session.scalars(services.finder_query(current_user, text=text[:MAX_PARAM] or None).limit(20)).all()
    facets = []
    if results is not None:
        keys_by_field = {field: set(results.facets.get(field, {})) | set(selected.get(field, [])) for field in FACETS}
        labels_by_field = facet_labels(keys_by_field)
        for field in FACETS:
            counts = results.facets.get(field, {})
            keys = keys_by_field[field]
            labels = labels_by_field[field]
            items = sorted(keys, key=lambda k: (-counts.get(k, 0), labels.get(k, k)))
            if field == "year":
                items = sorted(keys, reverse=True)
            chosen = selected.get(field, [])
            shown = [k for k in items if counts.get(k) or k in chosen][:25]
            if shown:
                facets.append({"field": field, "title": gettext(FACET_TITLES[field]), "items": [
                    {"value": k, "label": labels.get(k, k), "count": counts.get(k, 0), "checked": k in chosen} for k in shown]})
    covers = covers_labels(results.hits, selected.get("area", [])) if results is not None else {}
    return render_template("consultations/search.html", text=text[:500], results=results, facets=facets, selected=selected,
                           problem=problem, fallback=fallback, hit_url=hit_url, kinds=KINDS,
                           covers_label=lambda fields: covers.get(to_id(fields.get("consultation_id"))))


# ---- practitioners: manage, log, edit ------------------------------------------------------

@bp.route("/consultations/manage")
@role_required(*EDITORS)
def manage():
    page = paginate(services.editable_query(current_user), per_page=25)
    return render_template("consultations/manage.html", page=page, can_log=services.can_log(current_user))


def _bind(form, user):
    form.lead_organisation_id.set_choices(services.lead_organisation_choices(user))
    form.partner_ids.choices = organisation_choices()
    form.partnership_ids.choices = partnership_choices()
    form.priority_ids.choices = priority_choices()
    form.theme_ids.choices = theme_choices()
    form.outcome_ids.choices = outcome_choices()
    form.area_ids.choices = area_choices()
    form.audiences.choices = [(key, gettext(label)) for key, label in AUDIENCES.items()]
    form.methods.choices = choices.method_choices()
    form.channels.choices = [(key, gettext(label)) for key, label in CHANNELS.items()]
    return form


def _form_data(form) -> dict:
    audiences = list(form.audiences.data or [])
    for name in (form.other_audiences.data or "").split(","):
        name = name.strip()
        if name and name not in audiences:
            audiences.append(name)
    data = {name: getattr(form, name).data for name in (
        "title", "summary", "purpose", "lead_organisation_id", "partner_ids", "partnership_ids", "priority_ids",
        "theme_ids", "outcome_ids", "area_ids", "methods", "channels", "planned_start", "planned_close",
        "actual_start", "actual_close", "results_published_on", "how_to_take_part", "take_part_url",
        "contact_name", "contact_email", "people_reached", "responses", "equality_monitoring", "visibility")}
    data["cost"] = form.cost.float_data()
    data["audiences"] = audiences
    return data


def _attach_error(form, error: services.RuleError) -> None:
    # Other audiences typed in the box: the message belongs there.
    other = error.field == "audiences" and form.other_audiences.data
    attach_error(form, error, "other_audiences" if other else None)


def _form_page(form, consultation=None, similar=None, status=200, conflict=None):
    if conflict is not None:
        status = 409
    elif form.errors or form.form_errors:
        status = 400
    preview = services.public_preview({name: getattr(form, name).data for name in (
        "planned_start", "planned_close", "actual_start", "actual_close", "results_published_on", "visibility")})
    return render_template("consultations/form.html", form=form, consultation=consultation, similar=similar or [],
                           is_officer=current_user.role == "officer", conflict=conflict, preview=preview), status


@bp.route("/consultations/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    if not services.can_log(current_user):
        flash(gettext("Your account is not linked to an organisation, so you cannot log consultations yet. Ask a partnership "
                       "officer to add your organisation to your account."), "error")
        return redirect(url_for("consultations.manage"))
    form = _bind(forms.ConsultationForm(), current_user)
    if request.method == "GET":
        form.lead_organisation_id.data = current_user.organisation_id
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
        form.visibility.data = "public"
        # No start date until someone gives one: without it the consultation is "planned",
        # never shown as open on "Have your say" by a default nobody chose.
    elif "lead_organisation_id" not in request.form:
        form.lead_organisation_id.data = current_user.organisation_id
    if form.validate_on_submit():
        data = _form_data(form)
        if form.checked_similar.data != "yes":
            similar = similar_check.similar_consultations(current_user, data)
            if similar:
                form.checked_similar.data = "yes"
                return _form_page(form, similar=similar)
        try:
            consultation = services.save_consultation(current_user, None, data)
        except services.RuleError as error:
            db.session.rollback()
            _attach_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Consultation “%(title)s” logged. Add documents, results and findings below.", title=consultation.title),
                  "success")
            return redirect(url_for("consultations.page", consultation_id=consultation.id))
    return _form_page(form)


@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(consultation_id):
    consultation = services.get_for_edit(current_user, consultation_id)
    if request.method == "GET":
        form = forms.ConsultationForm(obj=consultation)
        form.partner_ids.data = [o.id for o in consultation.partners]
        form.partnership_ids.data = [p.id for p in consultation.partnerships]
        form.priority_ids.data = [p.id for p in consultation.priorities]
        form.theme_ids.data = [t.id for t in consultation.themes]
        form.outcome_ids.data = [o.id for o in consultation.outcomes]
        form.area_ids.data = [a.id for a in consultation.areas]
        form.audiences.data = [a for a in consultation.audiences if a in AUDIENCES]
        form.other_audiences.data = ", ".join(a for a in consultation.audiences if a not in AUDIENCES)
        form.methods.data = consultation.methods
        form.channels.data = consultation.channels
    else:
        form = forms.ConsultationForm()
    _bind(form, current_user)
    if request.method == "POST" and "lead_organisation_id" not in request.form:
        form.lead_organisation_id.data = consultation.lead_organisation_id
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_consultation(current_user, consultation, _form_data(form), version=form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            db.session.rollback()
            error = as_conflict(error, Consultation, consultation_id, form.version.data)
            error.apply(form)
            conflict = error.describe(form)
            if conflict.gone:
                flash(gettext("This consultation has been deleted by someone else, so your changes could not be saved."), "error")
                return redirect(url_for("consultations.manage"))
        except services.RuleError as error:
            db.session.rollback()
            _attach_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Changes saved."), "success")
            return redirect(url_for("consultations.page", consultation_id=consultation.id))
    return _form_page(form, consultation=consultation, conflict=conflict)


@bp.route("/consultations/<int:consultation_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete(consultation_id):
    consultation = services.get_for_edit(current_user, consultation_id)
    name = consultation.title
    return _confirm_delete(
        consultation, words=(gettext("Delete the consultation “%(name)s”", name=name),
                             gettext("Are you sure you want to delete the consultation “%(name)s”?", name=name),
                             gettext("You cannot delete the consultation “%(name)s” yet", name=name)),
        warning=gettext("This cannot be undone."),
        delete=lambda: services.delete_consultation(current_user, consultation),
        done=gettext("Consultation “%(name)s” deleted.", name=name), then=url_for("consultations.manage"),
        back=url_for("consultations.page", consultation_id=consultation.id))


def _confirm_delete(consultation, *, words: tuple[str, str, str], delete, done: str, then: str, back: str, warning: str = "",
                    target=None):
    """The "are you sure?" page. ``words``: its title, its question and its heading when the
    delete is refused, each a whole sentence in the reader's language. On confirming: ``delete()`` (a service call that returns the
    stored files it let go), one commit, then the files are removed and the person moves on.
    ``target`` (the consultation itself when not given) is what is deleted: the page lists
    what goes with it, or why it cannot go (engage/core/deletion.py)."""
    target = target if target is not None else consultation
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            stored = delete() or []
        except DeleteRefused as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            uploads.discard(stored)
            flash(done, "success")
            return redirect(then)
    status = 409 if form.form_errors else 200
    return render_template("consultations/confirm_delete.html", form=form, consultation=consultation, plan=services.delete_plan(target),
                           words=words, warning=warning, action=request.path, back=back), status


# ---- documents -----------------------------------------------------------------------------

@bp.route("/consultations/<int:consultation_id>/documents", methods=["GET", "POST"])
@role_required(*EDITORS)
def documents(consultation_id):
    consultation = services.get_for_edit(current_user, consultation_id)
    form = forms.DocumentForm()
    if form.validate_on_submit():
        document = uploads.receive(
            form, lambda filename, data: docs.add_document(current_user, consultation, form.title.data or "", filename, data),
            _attach_error)
        if document is not None:
            docs.read_text_later(current_app._get_current_object(), document)
            flash(gettext("Document “%(title)s” uploaded.", title=document.title), "success")
            return redirect(url_for("consultations.documents", consultation_id=consultation.id))
    if request.method == "GET":
        docs.resume_stalled(current_app._get_current_object(), consultation)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("consultations/documents.html", consultation=consultation, form=form, size_label=uploads.size_label,
                           reading_message=uploads.TEXT_READING), status


@bp.route("/consultations/<int:consultation_id>/documents/<int:document_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_document(consultation_id, document_id):
    consultation = services.get_for_edit(current_user, consultation_id)
    document = docs.get_document(consultation, document_id)
    documents_page = url_for("consultations.documents", consultation_id=consultation.id)
    name = document.title
    return _confirm_delete(consultation, words=(gettext("Delete the document “%(name)s”", name=name),
                                                gettext("Are you sure you want to delete the document “%(name)s”?", name=name),
                                                gettext("You cannot delete the document “%(name)s” yet", name=name)),
                           delete=lambda: [docs.delete_document(current_user, consultation, document)], target=document,
                           done=gettext("Document deleted."), then=documents_page, back=documents_page)


# ---- findings ------------------------------------------------------------------------------

def _finding_form(consultation, finding=None):
    form = forms.FindingForm(obj=finding) if request.method == "GET" else forms.FindingForm()
    form.question_id.set_choices([(q.id, (f"{q.code}: " if q.code else "") + q.text[:120]) for q in consultation.questions])
    return form


def _finding_data(form) -> dict:
    return {"statement": form.statement.data, "evidence": form.evidence.data, "question_id": form.question_id.data,
            "position": form.position.data}


@bp.route("/consultations/<int:consultation_id>/findings", methods=["GET", "POST"])
@bp.route("/consultations/<int:consultation_id>/findings/<int:finding_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
def findings(consultation_id, finding_id=None):
    """The list of findings with a form to add one, or (with ``finding_id``) to edit one."""
    consultation = services.get_for_edit(current_user, consultation_id)
    finding = services.get_finding(consultation, finding_id) if finding_id is not None else None
    form = _finding_form(consultation, finding)
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_finding(current_user, consultation, finding, _finding_data(form), version=form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            db.session.rollback()
            error = as_conflict(error, Finding, finding_id, form.version.data)
            error.apply(form)
            conflict = error.describe(form)
            if conflict.gone:
                flash(gettext("This finding has been deleted by someone else, so your changes could not be saved."), "error")
                return redirect(url_for("consultations.findings", consultation_id=consultation.id))
        except services.RuleError as error:
            db.session.rollback()
            _attach_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Finding saved.") if finding else gettext("Finding added."), "success")
            return redirect(url_for("consultations.findings", consultation_id=consultation.id))
    status = 409 if conflict else (400 if form.errors or form.form_errors else 200)
    return render_template("consultations/findings.html", consultation=consultation, form=form, finding=finding,
                           published=services.results_published(consultation), conflict=conflict), status


@bp.route("/consultations/<int:consultation_id>/findings/<int:finding_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_finding(consultation_id, finding_id):
    consultation = services.get_for_edit(current_user, consultation_id)
    finding = services.get_finding(consultation, finding_id)
    findings_page = url_for("consultations.findings", consultation_id=consultation.id)
    name = finding.statement
    return _confirm_delete(consultation, words=(gettext("Delete the finding “%(name)s”", name=name),
                                                gettext("Are you sure you want to delete the finding “%(name)s”?", name=name),
                                                gettext("You cannot delete the finding “%(name)s” yet", name=name)),
                           delete=lambda: services.delete_finding(current_user, consultation, finding), target=finding,
                           done=gettext("Finding deleted."), then=findings_page, back=findings_page)
