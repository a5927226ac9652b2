"""The toolkit's pages: search, entries, the method chooser, feedback, suggestions, the
officers' editing with revisions, and the embeddable search box."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from ..accounts.roles import OFFICER
from ..core.params import Query
from ..core.concurrency import CONFLICTS, EditConflict, as_conflict
from ..core.errors import bad_request
from ..core.forms import attach_error
from ..core.i18n import gettext
from ..core.pagination import paginate
from ..core.sanitise import clean_text, render_markdown
from ..core.limits import breach, honeypot_tripped, keeps_answers_when_limited
from ..core.security import allow_framing, role_required
from ..extensions import db, limiter
from ..search import backend
from . import bp, forms, loader, services
from .models import (
    AUDIENCES,
    COSTS,
    GROUP_SIZES,
    KIND_PLURALS,
    METHOD_ONLY,
    PURPOSE_ANSWERS,
    PURPOSES,
    SOURCES,
    TIMES,
    ToolkitEntry,
    ToolkitFeedback,
    ToolkitRevision,
    ToolkitSuggestion,
)

LABELS = {"purpose": PURPOSES, "audiences": AUDIENCES, "group_size": GROUP_SIZES, "time_needed": TIMES, "cost": COSTS}


@bp.app_context_processor
def toolkit_labels():
    return {"toolkit_labels": LABELS, "facet_labels": services.FACET_LABELS, "facet_values": services.FACET_VALUES,
            "purpose_answers": PURPOSE_ANSWERS, "kind_plurals": KIND_PLURALS}


# ---- finding things ----------------------------------------------------------------------

def _state_url(endpoint: str, params: services.SearchParams, **changes) -> str:
    pairs = params.args(**changes)
    base = url_for(endpoint)
    return base + ("?" + urlencode(pairs) if pairs else "")


@bp.route("/toolkit")
def index():
    params = services.read_params(Query())
    try:
        results = services.run_search(backend(), params)
        unavailable = False
    except Exception:  # the index cannot be read: say so, and list the entries from the database
        current_app.logger.exception("Toolkit search failed")
        results, unavailable = None, True
    entries = services.all_entries() if unavailable else []
    return render_template("toolkit/index.html", params=params, results=results, unavailable=unavailable, entries=entries,
                           state_url=lambda **changes: _state_url("toolkit.index", params, **changes))


@bp.route("/toolkit/choose")
def choose():
    args = Query()
    form = forms.ChooserForm(formdata=args.formdata())
    answered = any(args.has(k) for k in ("purpose", "group_size", "time", "budget", "audiences", "submit"))
    changing = args.has("change")
    if answered and not changing and form.validate():
        given = (form.purpose.data, form.audiences.data or [], form.group_size.data, form.time.data, form.budget.data)
        picks = services.choose(*given)
        guides = services.matching_guides(form.audiences.data or [], picks, form.purpose.data)
        answers = [(k, v) for k in ("purpose", "group_size", "time", "budget") for v in [args.text(k) or None]]
        answers += [("audiences", a) for a in form.audiences.data or []]
        change_url = url_for("toolkit.choose") + "?" + urlencode(answers + [("change", "1")])

        def changed_url(answer, value):
            kept = [(k, v) for k, v in answers if k != answer]
            return url_for("toolkit.choose") + "?" + urlencode(kept + ([(answer, value)] if value else []))

        widenings = [(w, changed_url(w.answer, w.value)) for w in services.widen(*given)]
        return render_template("toolkit/choose_results.html", form=form, picks=picks, guides=guides,
                               widenings=widenings, change_url=change_url)
    status = 400 if answered and not changing and form.errors else 200
    return render_template("toolkit/choose.html", form=form, show_errors=answered and not changing), status


def _contents(html: str) -> list[tuple[str, str]]:
    return [(m.group(1), Markup(m.group(2)).striptags())
            for m in re.finditer(r'<h2[^>]*\sid="([^"]+)"[^>]*>(.*?)</h2>', str(html), re.S)]


def _consultation_link():
    """The consultation database's page for one consultation, if that page exists yet."""
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("consultations.") and "GET" in (rule.methods or ()) \
                and re.fullmatch(r"/consultations/<int:\w+>", rule.rule) and len(rule.arguments) == 1:
            arg = next(iter(rule.arguments))
            return lambda c, _e=rule.endpoint, _a=arg: url_for(_e, **{_a: c.id})
    return None


def _entry_page(entry: ToolkitEntry, feedback_form, status: int = 200):
    html = render_markdown(entry.body)
    by_slug = {e.slug: e for e in db.session.scalars(select(ToolkitEntry).where(ToolkitEntry.slug.in_(entry.related or [])))}
    related = [by_slug[s] for s in entry.related or [] if s in by_slug]
    consultations, consultation_total = services.consultations_using(entry.slug, current_user)
    return render_template("toolkit/entry.html", entry=entry, html=html, contents=_contents(html), related=related,
                           consultations=consultations, consultation_total=consultation_total,
                           consultation_url=_consultation_link(), feedback_form=feedback_form), status


@bp.route("/toolkit/<slug>")
def entry(slug):
    return _entry_page(services.get_entry(slug), forms.FeedbackForm())


@bp.route("/toolkit/<slug>/feedback", methods=["POST"])
@limiter.limit("30 per hour")
@keeps_answers_when_limited
def feedback(slug):
    entry = services.get_entry(slug)
    form = forms.FeedbackForm()
    limited = breach()
    if limited is not None:
        # Over the limit: nothing is saved, what was typed comes back, and the page says when to try again.
        form.form_errors.append(limited.message)
        return _entry_page(entry, form, 429)
    if honeypot_tripped():  # the box people never see was filled in: a script, so nothing is saved
        bad_request(gettext("Your feedback could not be accepted. If you are a person, go back and try again."))
    if form.validate_on_submit():
        services.add_feedback(entry, form.useful.data == "yes", form.comment.data or "")
        db.session.commit()
        flash(gettext("Thank you for your feedback. The partnership team reads it to improve the toolkit."), "success")
        return redirect(url_for("toolkit.entry", slug=entry.slug))
    return _entry_page(entry, form, 400)


@bp.route("/embed/toolkit")
@allow_framing
def embed():
    return render_template("toolkit/embed.html")


# ---- suggestions from practitioners ------------------------------------------------------

@bp.route("/toolkit/<slug>/suggest", methods=["GET", "POST"])
@role_required(*services.SUGGESTERS)
def suggest(slug):
    entry = services.get_entry(slug)
    form = forms.SuggestionForm(data=None if request.method == "POST" else {"title": entry.title, "summary": entry.summary, "body": entry.body})
    preview = None
    if request.method == "POST" and form.preview.data:
        preview = render_markdown(form.body.data)
    elif request.method == "POST":
        valid = form.validate_on_submit()
        errors = _body_errors(entry.kind, form.body.data) if form.body.data and not form.body.errors else []
        form.body.errors = list(form.body.errors) + errors
        if valid and not errors:
            try:
                services.suggest(current_user, entry, clean_text(form.title.data), clean_text(form.summary.data), form.body.data, form.reason.data)
            except services.RuleError as error:
                db.session.rollback()
                attach_error(form, error)
            else:
                db.session.commit()
                flash(gettext("Thank you. Your suggestion has been sent to the partnership officers. You can see what happens to it on this page."), "success")
                return redirect(url_for("toolkit.my_suggestions"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("toolkit/suggest.html", entry=entry, form=form, preview=preview), status


def _body_errors(kind: str, body: str) -> list[str]:
    """The content rules (headings, no HTML) for a suggested body."""
    entry_like = {"title": "x", "summary": "x", "body": body}
    if kind == "method":
        entry_like.update(purpose=["consult"], audiences=["residents"], group_size="small", time_needed="days", cost="low",
                          skills=["x"], accessibility="x")
    _, problems = services.check_entry(entry_like, kind)
    return [f"Content {message}" for name, message in problems if name == "body"]


@bp.route("/toolkit/suggestions")
@role_required(*services.SUGGESTERS)
def my_suggestions():
    rows = db.session.scalars(select(ToolkitSuggestion).where(ToolkitSuggestion.author_id == current_user.id)
                              .order_by(ToolkitSuggestion.created_at.desc(), ToolkitSuggestion.id.desc())).all()
    return render_template("toolkit/my_suggestions.html", rows=rows)


# ---- officers ----------------------------------------------------------------------------

def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _entry_form(entry: ToolkitEntry | None):
    if entry is not None and request.method != "POST":
        form = forms.EntryForm(data={
            "title": entry.title, "summary": entry.summary, "purpose": entry.purpose, "audiences": entry.audiences,
            "group_size": entry.group_size, "time_needed": entry.time_needed, "cost": entry.cost,
            "skills": "\n".join(entry.skills or []), "accessibility": entry.accessibility, "related": entry.related,
            "keywords": "\n".join(entry.keywords or []), "body": entry.body, "version": entry.version,
        })
    else:
        form = forms.EntryForm()
    others = [e for e in services.all_entries() if entry is None or e.id != entry.id]
    form.related.choices = [(e.slug, f"{e.title} ({e.kind_label.lower()})") for e in others]
    return form


def _form_raw(form, kind: str) -> dict:
    raw = {
        "title": form.title.data, "summary": form.summary.data, "body": form.body.data,
        "purpose": form.purpose.data or [], "audiences": form.audiences.data or [], "related": form.related.data or [],
        "keywords": _lines(form.keywords.data), "group_size": form.group_size.data, "time_needed": form.time_needed.data,
        "cost": form.cost.data, "skills": _lines(form.skills.data), "accessibility": form.accessibility.data,
    }
    if kind != "method":  # the form says these are for methods only
        raw.update(group_size=None, time_needed=None, cost=None, skills=[], accessibility="")
    return raw


def _check_into_form(form, raw: dict, kind: str, slug: str | None) -> dict | None:
    data, problems = services.check_entry(raw, kind, known_slugs=services.slugs(), slug=slug)
    for name, message in problems:
        field = getattr(form, name, None)
        text = f"{services.LABELS.get(name, name.title())} {message}"
        if field is None:
            form.form_errors.append(text)
        elif not field.errors:  # one message a field: the form's own check may have spoken
            field.errors = list(field.errors) + [text]
    return None if problems else data


@bp.route("/admin/toolkit")
@role_required(OFFICER)
def admin_index():
    entries = services.all_entries()
    pending = dict(db.session.execute(select(ToolkitSuggestion.entry_id, func.count()).where(ToolkitSuggestion.status == "pending")
                                      .group_by(ToolkitSuggestion.entry_id)).all())
    return render_template("toolkit/admin_index.html", entries=entries, pending=pending, feedback=services.feedback_counts(),
                           pending_total=services.pending_suggestions_count(), sources=SOURCES,
                           feedback_total=db.session.scalar(select(func.count()).select_from(ToolkitFeedback)) or 0)


@bp.route("/admin/toolkit/new", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_new():
    form = _entry_form(None)
    preview = None
    if request.method == "POST" and form.preview.data:
        preview = render_markdown(form.body.data)
    elif request.method == "POST":
        valid = form.validate_on_submit()
        slug = (form.slug.data or "").strip().lower()
        kind = form.kind.data
        if not slug:
            form.slug.errors = ["Enter a web name, like focus-group"]
        elif not services.SLUG.match(slug) or slug in services.RESERVED_SLUGS:
            form.slug.errors = ["Web name must use lower-case letters, numbers and hyphens, like focus-group"]
        if kind not in ("method", "guide"):
            form.kind.errors = ["Select whether this is a method or a guide"]
        data = _check_into_form(form, _form_raw(form, kind), kind if kind in ("method", "guide") else "guide", slug)
        if valid and data is not None and not form.slug.errors and not form.kind.errors:
            try:
                entry = services.create_entry(current_user, slug, kind, data, form.reason.data)
            except services.RuleError as error:
                db.session.rollback()
                attach_error(form, error)
            else:
                db.session.commit()
                flash(f"“{entry.title}” has been added to the toolkit.", "success")
                return redirect(url_for("toolkit.entry", slug=entry.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("toolkit/admin_form.html", entry=None, form=form, preview=preview, method_only=METHOD_ONLY), status


@bp.route("/admin/toolkit/<slug>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_edit(slug):
    entry = services.get_entry(slug)
    entry_id = entry.id
    form = _entry_form(entry)
    preview = None
    conflict = None
    if request.method == "POST" and form.preview.data:
        preview = render_markdown(form.body.data)
    elif request.method == "POST":
        valid = form.validate_on_submit()
        data = _check_into_form(form, _form_raw(form, entry.kind), entry.kind, entry.slug)
        if valid and data is not None:
            try:
                revision = services.edit_entry(current_user, entry, data, form.reason.data, version=form.version.data)
            except (EditConflict, *CONFLICTS) as error:
                db.session.rollback()
                error = as_conflict(error, ToolkitEntry, entry_id, form.version.data)
                error.apply(form)
                conflict = error.describe(form)
            except services.RuleError as error:
                db.session.rollback()
                attach_error(form, error)
            else:
                db.session.commit()
                if revision is None:
                    flash("You did not change anything, so no new revision was made.", "info")
                else:
                    flash(f"Saved as revision {revision.number}. The page is updated.", "success")
                return redirect(url_for("toolkit.admin_edit", slug=entry.slug))
    status = 409 if conflict else (400 if form.errors or form.form_errors else 200)
    return render_template("toolkit/admin_form.html", entry=entry, form=form, preview=preview, method_only=METHOD_ONLY,
                           use_file_form=forms.UseFileForm(), conflict=conflict), status


@bp.route("/admin/toolkit/<slug>/use-file", methods=["POST"])
@role_required(OFFICER)
def admin_use_file(slug):
    entry = services.get_entry(slug)
    form = forms.UseFileForm()
    if not form.validate_on_submit():
        bad_request("The form had expired. Go back, reload the page and try again.")
    parsed, errors = loader.read_file_version(entry)
    if errors:
        flash("The file version cannot be used: " + "; ".join(f"{e.field} {e.message}" for e in errors), "error")
        return redirect(url_for("toolkit.admin_edit", slug=entry.slug))
    if parsed.slug != entry.slug:
        bad_request("That file belongs to another entry.")
    revision = services.use_file_version(current_user, entry, parsed.kind, parsed.data, parsed.relative, parsed.digest)
    db.session.commit()
    flash(f"“{entry.title}” now follows its file again (revision {revision.number}). The site version is kept in the history.", "success")
    return redirect(url_for("toolkit.admin_edit", slug=entry.slug))


@bp.route("/admin/toolkit/<slug>/history")
@role_required(OFFICER)
def admin_history(slug):
    entry = services.get_entry(slug)
    revisions = db.session.scalars(select(ToolkitRevision).where(ToolkitRevision.entry_id == entry.id).order_by(ToolkitRevision.number.desc())).all()
    return render_template("toolkit/admin_history.html", entry=entry, revisions=revisions)


@bp.route("/admin/toolkit/<slug>/revisions/<int:number>")
@role_required(OFFICER)
def admin_revision(slug, number):
    entry = services.get_entry(slug)
    revision = services.get_revision(entry, number)
    return render_template("toolkit/admin_revision.html", entry=entry, revision=revision, html=render_markdown(revision.body),
                           form=forms.RestoreForm())


@bp.route("/admin/toolkit/<slug>/revisions/<int:number>/restore", methods=["POST"])
@role_required(OFFICER)
def admin_restore(slug, number):
    entry = services.get_entry(slug)
    revision = services.get_revision(entry, number)
    form = forms.RestoreForm()
    if form.validate_on_submit():
        try:
            new = services.restore_revision(current_user, entry, revision, clean_text(form.reason.data))
        except services.RuleError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Revision {revision.number} has been restored as revision {new.number}.", "success")
            return redirect(url_for("toolkit.admin_history", slug=entry.slug))
    return render_template("toolkit/admin_revision.html", entry=entry, revision=revision, html=render_markdown(revision.body), form=form), 400


@bp.route("/admin/toolkit/<slug>/compare")
@role_required(OFFICER)
def admin_diff(slug):
    entry = services.get_entry(slug)
    newest = entry.revision_number
    args = Query()
    to_number = args.number("to", -10**9, 10**9, default=newest)
    from_number = args.number("from", -10**9, 10**9, default=to_number - 1)
    if args.problems:
        bad_request("Choose two revisions to compare, by number.")
    if from_number < 1 or to_number < 1:
        bad_request("Revision numbers start at 1. Choose two revisions to compare.")
    old = services.get_revision(entry, from_number)
    new = services.get_revision(entry, to_number)
    hunks = services.diff(services.as_text(old), services.as_text(new))
    return render_template("toolkit/admin_diff.html", entry=entry, old=old, new=new, hunks=hunks)


@bp.route("/admin/toolkit/suggestions")
@role_required(OFFICER)
def admin_suggestions():
    pending = db.session.scalars(select(ToolkitSuggestion).where(ToolkitSuggestion.status == "pending").order_by(ToolkitSuggestion.created_at)).all()
    decided = db.session.scalars(select(ToolkitSuggestion).where(ToolkitSuggestion.status != "pending")
                                 .order_by(ToolkitSuggestion.decided_at.desc(), ToolkitSuggestion.id.desc()).limit(50)).all()
    return render_template("toolkit/admin_suggestions.html", pending=pending, decided=decided)


@bp.route("/admin/toolkit/suggestions/<int:suggestion_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_suggestion(suggestion_id):
    suggestion = services.get_suggestion(suggestion_id)
    entry = suggestion.entry
    form = forms.DecisionForm()
    if suggestion.status == "pending" and form.validate_on_submit():
        try:
            if form.accept.data:
                revision = services.accept_suggestion(current_user, suggestion, form.note.data or "")
                message = f"Suggestion accepted and published as revision {revision.number} of “{entry.title}”."
            elif form.decline.data:
                services.decline_suggestion(current_user, suggestion, form.note.data or "")
                message = "Suggestion declined. The person who sent it can see your note."
            else:
                raise services.RuleError("Choose accept or decline.")
        except services.RuleError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("toolkit.admin_suggestions"))
    elif request.method == "POST" and suggestion.status != "pending":
        form.form_errors.append(f"This suggestion has already been {suggestion.status}.")
    hunks = services.diff(services.as_text(entry), services.as_text(_SuggestedVersion(entry, suggestion)))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("toolkit/admin_suggestion.html", suggestion=suggestion, entry=entry, form=form, hunks=hunks,
                           html=render_markdown(suggestion.body)), status


class _SuggestedVersion:
    """The entry as it would be if the suggestion were accepted (for the diff)."""

    def __init__(self, entry, suggestion):
        self.title, self.summary, self.body = suggestion.title, suggestion.summary, suggestion.body
        self.meta = {name: getattr(entry, name) for name in services.META_FIELDS}


@bp.route("/admin/toolkit/feedback")
@role_required(OFFICER)
def admin_feedback():
    entry = None
    query = select(ToolkitFeedback).order_by(ToolkitFeedback.created_at.desc(), ToolkitFeedback.id.desc())
    args = Query()
    if args.given("entry"):
        entry = services.get_entry(args.text("entry"))
        query = query.where(ToolkitFeedback.entry_id == entry.id)
    if args.flag("comments"):
        query = query.where(ToolkitFeedback.comment != "")
    page = paginate(query, per_page=50)
    counts = services.feedback_counts()
    entries = {e.id: e for e in services.all_entries()}
    ranked = sorted(((entries[i], c) for i, c in counts.items() if i in entries), key=lambda item: (-(item[1]["no"]), item[0].title))
    return render_template("toolkit/admin_feedback.html", page=page, entry=entry, ranked=ranked, entries=entries)
