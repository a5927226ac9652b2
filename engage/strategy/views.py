"""Pages of the engagement strategy: the adopted strategy everyone lands on, versions,
commenting, the published responses, comparing; and the officers' pages that write it."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..core.pagecache import kept_page
from ..core.params import Query
from ..accounts.roles import OFFICER
from ..core import deletion
from ..core.audit import history
from ..core.errors import bad_request
from ..core.i18n import gettext as _
from ..core.limits import breach, honeypot_tripped, keeps_answers_when_limited
from ..core.security import role_required
from ..extensions import db, limiter
from . import bp, documents, workflow
from ..core.concurrency import CONFLICTS, as_conflict
from ..core.transitions import AlreadyMoved
from ..core.forms import attach_error, form_status
from .common import EditConflict, RuleError
from .forms import CommentForm, ConfirmForm, DocumentForm, PublicCommentForm, ResponseForm, SectionForm, TransitionForm, VersionForm
from .models import VERSION_STATES, StrategySection, StrategyVersion


def apply_error(form, error: RuleError) -> None:
    """Undo the failed change and put the rule's message next to its field, keeping the
    person's input."""
    db.session.rollback()
    attach_error(form, error)


def conflict_view(error, model, object_id, form):
    """Someone else saved first (engage/core/concurrency.py): roll back, keep the person's
    values in ``form`` with the saved version, and describe what the other person changed."""
    db.session.rollback()
    conflict = as_conflict(error, model, object_id, form.version.data)
    conflict.apply(form)
    return conflict.describe(form)


# ---- public -----------------------------------------------------------------------------

@bp.route("/strategy")
@kept_page
def index():
    version = documents.adopted_version()
    if version is None:
        # No engagement strategy adopted yet: say so, and point to the priorities and outcomes.
        return render_template("strategy/none_adopted.html", open_versions=documents.open_for_comment(current_user))
    return render_template("strategy/index.html", version=version, comments=documents.comments_by_section(current_user, version),
                           counts=documents.comment_counts(version), open_versions=documents.open_for_comment(current_user))


@bp.route("/strategy/")
def index_slash():
    return redirect(url_for("strategy.index"), 301)


@bp.route("/strategy/versions")
def versions():
    return render_template("strategy/versions.html", versions=documents.visible_versions(current_user))


@bp.route("/strategy/versions/<version_id>")
def version(version_id):
    v = documents.get_version(current_user, version_id)
    return render_template("strategy/version.html", version=v, comments=documents.comments_by_section(current_user, v),
                           can_comment=documents.can_comment(current_user, v), comments_open=documents.comments_open(v),
                           counts=documents.comment_counts(v))


@bp.route("/strategy/versions/<version_id>/responses")
def responses(version_id):
    v = documents.get_version(current_user, version_id)
    if v.state not in documents.PUBLISHED:
        bad_request("What was done with each comment is published when the version is adopted.")
    return render_template("strategy/responses.html", version=v, comments=documents.comments_by_section(current_user, v),
                           counts=documents.comment_counts(v))


def _comment_limit():
    return current_app.config["ENGAGE_COMMENT_LIMIT"]


def _signed_in() -> bool:
    return bool(current_user.is_authenticated)


COMMENTER = "strategy_commenter"  # a member of the public's name and email, asked once per visit


@bp.route("/strategy/versions/<version_id>/sections/<section_id>/comment", methods=["GET", "POST"])
@limiter.limit(_comment_limit, methods=["POST"], exempt_when=_signed_in)  # a flood from one address stops here
@keeps_answers_when_limited
def comment(version_id, section_id):
    v = documents.get_version(current_user, version_id)
    section = documents.get_section(v, section_id)
    public = not current_user.is_authenticated
    remembered = session.get(COMMENTER) if public else None
    changing = Query().text("change") == "details" or request.form.get("change") == "details"
    form_class = PublicCommentForm if public else CommentForm
    if request.method == "POST" and remembered and "name" not in request.form and "email" not in request.form:
        # Name and email were given earlier in this visit: the page did not ask again.
        formdata = request.form.copy()
        formdata["name"], formdata["email"] = remembered.get("name", ""), remembered.get("email", "")
        form = form_class(formdata=formdata)
    else:
        form = form_class()
        if request.method == "GET" and remembered:
            form.name.data, form.email.data = remembered.get("name", ""), remembered.get("email", "")
    if not documents.can_comment(current_user, v):
        if documents.comments_open(v) and not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path))
        bad_request(_("Comments on this version are closed."))

    def page(status=None):
        ask = public and (not remembered or changing or bool(form.errors.get("name") or form.errors.get("email")))
        return render_template("strategy/comment.html", version=v, section=section, form=form, public=public,
                               remembered=remembered, ask_details=ask), status or form_status(form)

    limited = breach()
    if limited is not None:  # over the limit: nothing saved, what was typed comes back
        form.form_errors.append(limited.message)
        return page(429)
    if request.method == "POST" and honeypot_tripped():
        bad_request(_("Your comment could not be accepted. If you are a person, go back and try again."))
    if form.is_submitted():
        # Every problem at once: the form's fields and the passage rule together.
        valid = form.validate()
        problem = documents.passage_problem(section, form.passage.data)
        if problem:
            form.passage.errors = [*form.passage.errors, problem]
            valid = False
        if valid:
            try:
                documents.add_comment(current_user, section, {f.name: f.data for f in form})
            except RuleError as error:
                apply_error(form, error)
            else:
                db.session.commit()
                if public:
                    session[COMMENTER] = {"name": form.name.data, "email": form.email.data}
                flash(_("Thank you. Your comment has been sent. What was done with it will be published with the adopted strategy."), "success")
                return redirect(url_for("strategy.version", version_id=v.id, _anchor=section.anchor))
    return page()


@bp.route("/strategy/compare")
def compare():
    visible = documents.visible_versions(current_user)
    by_id = {v.id: v for v in visible}
    args = Query()
    old, new = by_id.get(args.id("from")), by_id.get(args.id("to"))
    asked = args.given("from") or args.given("to")
    if asked and (old is None or new is None):
        bad_request(_("Choose two versions from the lists to compare."))
    if asked and old.document_id != new.document_id:
        bad_request(_("Choose two versions of the same strategy to compare."))
    diff = documents.compare(old, new) if old and new else None
    return render_template("strategy/compare.html", versions=visible, old=old, new=new, diff=diff)


# ---- officers -----------------------------------------------------------------------------

@bp.route("/admin/strategy", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_index():
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            v = documents.create_document(current_user, form.title.data, form.summary.data)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Strategy started. Add its sections.", "success")
            return redirect(url_for("strategy.admin_version", version_id=v.id))
    all_versions = db.session.scalars(db.select(StrategyVersion).order_by(StrategyVersion.document_id, StrategyVersion.number.desc())).all()
    return render_template("strategy/admin_index.html", versions=all_versions, form=form), form_status(form)


def _version_page(v, form, transition_form=None, status=None, conflict=None):
    return render_template("strategy/admin_version.html", version=v, form=form, moves=workflow.moves_from(v.state, current_user), states=VERSION_STATES,
                           transition_form=transition_form or TransitionForm(), history=history(v),
                           counts=documents.comment_counts(v), conflict=conflict), status or form_status(form, conflict)


@bp.route("/admin/strategy/versions/<version_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_version(version_id):
    v = documents.get_version(current_user, version_id)
    form = VersionForm(obj=v) if request.method == "GET" else VersionForm()
    conflict = None
    if form.validate_on_submit():
        try:
            documents.update_version(current_user, v, {f.name: f.data for f in form}, form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            conflict = conflict_view(error, StrategyVersion, v.id, form)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Details saved.", "success")
            return redirect(url_for("strategy.admin_version", version_id=v.id))
    return _version_page(v, form, conflict=conflict)


@bp.route("/admin/strategy/versions/<version_id>/transition", methods=["POST"])
@role_required(OFFICER)
def admin_transition(version_id):
    v = documents.get_version(current_user, version_id)
    form = TransitionForm()
    details = VersionForm(obj=v)
    status = 400
    if form.validate_on_submit():
        action = form.action.data or ""
        # Some moves ask first (sending it out emails everyone; adopting early closes comments):
        # the question page posts back here with confirmed=yes. Nothing is saved until then.
        ask = documents.confirmation(v, action, current_user) if action in workflow.MOVES else None
        if ask is not None and request.form.get("confirmed") != "yes":
            return render_template("strategy/confirm_move.html", version=v, ask=ask, move=workflow.MOVES[action],
                                   form=form)
        try:
            documents.transition(current_user, v, action, form.reason.data or "")
        except RuleError as error:
            db.session.rollback()
            v = documents.get_version(current_user, version_id)
            details = VersionForm(obj=v)
            # A missing closing date belongs to the details form's date field, so the error
            # summary links to the field that fixes it; others go next to the moves.
            attach_error(details if error.field in details._fields else form, error)
            status = 409 if isinstance(error, AlreadyMoved) else 400  # someone else moved it a moment ago
        else:
            db.session.commit()
            flash(f"Version {v.number} is now {v.state_label.lower()}.", "success")
            return redirect(url_for("strategy.admin_version", version_id=v.id))
    return _version_page(v, details, form, status)


@bp.route("/admin/strategy/versions/<version_id>/new-version", methods=["POST"])
@role_required(OFFICER)
def admin_new_version(version_id):
    v = documents.get_version(current_user, version_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        bad_request("The form had expired. Go back and try again.")
    try:
        new = documents.new_version(current_user, v)
    except RuleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("strategy.admin_version", version_id=v.id))
    db.session.commit()
    flash(f"Version {new.number} started as a draft, copied from version {v.number}.", "success")
    return redirect(url_for("strategy.admin_version", version_id=new.id))


@bp.route("/admin/strategy/versions/<version_id>/sections/new", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_section_new(version_id):
    return _section(version_id, None)


@bp.route("/admin/strategy/versions/<version_id>/sections/<section_id>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_section(version_id, section_id):
    return _section(version_id, section_id)


def _section(version_id, section_id):
    v = documents.get_version(current_user, version_id)
    section = documents.get_section(v, section_id) if section_id is not None else None
    form = SectionForm(obj=section) if request.method == "GET" else SectionForm()
    preview = conflict = None
    if request.method == "POST" and form.preview.data:
        form.validate()
        preview = form.body.data or ""
    elif form.validate_on_submit():
        try:
            saved = documents.save_section(current_user, v, section, {"heading": form.heading.data, "body": form.body.data}, form.version.data)
        except (EditConflict, *CONFLICTS) as error:
            conflict = conflict_view(error, StrategySection, section.id, form)
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash(f"Section “{saved.heading}” saved.", "success")
            return redirect(url_for("strategy.admin_version", version_id=v.id, _anchor=saved.anchor))
    return render_template("strategy/admin_section.html", version=v, section=section, form=form, preview=preview, conflict=conflict), form_status(form, conflict)


@bp.route("/admin/strategy/versions/<version_id>/sections/<section_id>/move", methods=["POST"])
@role_required(OFFICER)
def admin_section_move(version_id, section_id):
    v = documents.get_version(current_user, version_id)
    section = documents.get_section(v, section_id)
    form = ConfirmForm()
    direction = request.form.get("direction")
    if not form.validate_on_submit() or direction not in ("up", "down"):
        bad_request("Choose whether to move the section up or down.")
    try:
        documents.move_section(current_user, section, direction)
    except RuleError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
    return redirect(url_for("strategy.admin_version", version_id=v.id, _anchor=section.anchor))


@bp.route("/admin/strategy/versions/<version_id>/sections/<section_id>/delete", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_section_delete(version_id, section_id):
    v = documents.get_version(current_user, version_id)
    section = documents.get_section(v, section_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            documents.delete_section(current_user, section)
        except RuleError as error:
            apply_error(form, error)
            section = documents.get_section(v, section_id)
        else:
            db.session.commit()
            flash("Section removed.", "success")
            return redirect(url_for("strategy.admin_version", version_id=v.id))
    return render_template("strategy/confirm_delete.html", form=form, question=_("Delete the section “%(heading)s”?", heading=section.heading),
                           goes_with=[], plan=deletion.plan(section), back=url_for("strategy.admin_version", version_id=v.id)), form_status(form)


@bp.route("/admin/strategy/versions/<version_id>/comments")
@role_required(OFFICER)
def admin_comments(version_id):
    v = documents.get_version(current_user, version_id)
    forms = {}
    for section in v.sections:
        for c in section.comments:
            forms[c.id] = ResponseForm(formdata=None, kind=c.response_kind, text=c.response_text, version=c.version)
    return render_template("strategy/admin_comments.html", version=v, comments=documents.comments_by_section(current_user, v),
                           forms=forms, counts=documents.comment_counts(v))


@bp.route("/admin/strategy/versions/<version_id>/comments.csv")
@role_required(OFFICER)
def admin_comments_csv(version_id):
    from flask import Response

    v = documents.get_version(current_user, version_id)
    return Response(documents.comments_csv(v), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=strategy-version-{v.number}-comments.csv"})


@bp.route("/admin/strategy/comments/<comment_id>/spam", methods=["POST"])
@role_required(OFFICER)
def admin_spam(comment_id):
    c = documents.get_comment(comment_id)
    version_id = c.section.strategy_version.id
    form = ConfirmForm()
    if not form.validate_on_submit():
        bad_request("The form had expired. Go back, reload the page and try again.")
    spam = request.form.get("spam") == "yes"
    try:
        documents.mark_spam(current_user, c, spam)
    except RuleError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Comment marked as spam. It is kept here, but never published, and adopting does not wait for it."
              if spam else "Comment no longer marked as spam.", "success")
    return redirect(url_for("strategy.admin_comments", version_id=version_id, _anchor=f"comment-{c.id}"))


@bp.route("/admin/strategy/comments/<comment_id>/respond", methods=["POST"])
@role_required(OFFICER)
def admin_respond(comment_id):
    c = documents.get_comment(comment_id)
    v = c.section.strategy_version
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            documents.respond(current_user, c, form.kind.data, form.text.data, form.version.data)
        except (EditConflict, *CONFLICTS):
            db.session.rollback()
            c = documents.get_comment(comment_id)
            form.form_errors.append("Someone else recorded a response while you were writing yours, so yours has not been saved yet. "
                                    f"They recorded: {c.response_label}: {c.response_text}. Your words are still in the form: save again to replace theirs.")
            form.version.data = c.version
        except RuleError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            flash("Response saved.", "success")
            return redirect(url_for("strategy.admin_comments", version_id=v.id, _anchor=f"comment-{c.id}"))
    c = documents.get_comment(comment_id)
    v = c.section.strategy_version
    forms = {x.id: ResponseForm(formdata=None, kind=x.response_kind, text=x.response_text, version=x.version)
             for s in v.sections for x in s.comments}
    forms[c.id] = form
    return render_template("strategy/admin_comments.html", version=v, comments=documents.comments_by_section(current_user, v),
                           forms=forms, counts=documents.comment_counts(v), failed=c.id), 400
