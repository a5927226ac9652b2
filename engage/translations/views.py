from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core import content
from ..core.errors import RuleError
from ..core.forms import EngageForm
from ..core.i18n import gettext as _, ngettext
from ..core.params import Query
from ..extensions import db
from . import bp, services


class _PostForm(EngageForm):
    """Only the form token: the texts' boxes are named by their keys and read below."""


@bp.route("/translate/<kind_name>/<int:owner_id>")
@login_required
def overview(kind_name, owner_id):
    kind, title = services.kind_or_404(kind_name, owner_id)
    services.check_may_edit(current_user, kind, owner_id)
    return render_template("translations/overview.html", kind=kind, owner_id=owner_id, title=title,
                           versions=services.overview(kind, owner_id), form=_PostForm())


@bp.route("/translate/<kind_name>/<int:owner_id>/<language>", methods=["GET", "POST"])
@login_required
def edit(kind_name, owner_id, language):
    kind, title = services.kind_or_404(kind_name, owner_id)
    services.check_may_edit(current_user, kind, owner_id)
    services.language_or_404(kind, language)
    form = _PostForm()
    only_todo = Query().text("show") == "todo"
    errors, typed = {}, {}
    if form.validate_on_submit():
        rows = content.status(kind, owner_id, language)
        typed = {row["text"].key: request.form.get(row["text"].key, "") for row in rows
                 if row["text"].key in request.form}
        errors = services.check_lengths(typed)
        if not errors:
            changed = content.save(current_user, kind, owner_id, language, typed)
            db.session.commit()
            flash(ngettext("%(num)s translation saved.", "%(num)s translations saved.", changed), "success")
            return redirect(url_for("translations.edit", kind_name=kind.kind, owner_id=owner_id, language=language,
                                    show="todo" if only_todo else None))
    rows = content.status(kind, owner_id, language)
    if only_todo:
        rows = [r for r in rows if r["state"] in (content.MISSING, content.OUTDATED)]
    return render_template("translations/edit.html", kind=kind, owner_id=owner_id, title=title, language=language,
                           name=content.shown_name(language), rows=rows, typed=typed, errors=errors, form=form,
                           only_todo=only_todo, direction=content.i18n.direction(language) if language != content.EASY_READ else "ltr",
                           tally=content.counts(content.status(kind, owner_id, language))), (400 if errors else 200)


@bp.route("/translate/<kind_name>/<int:owner_id>/<language>/offer", methods=["POST"])
@login_required
def offer(kind_name, owner_id, language):
    kind, title = services.kind_or_404(kind_name, owner_id)
    services.check_may_edit(current_user, kind, owner_id)
    services.language_or_404(kind, language)
    form = _PostForm()
    if not form.validate_on_submit():
        return redirect(url_for("translations.overview", kind_name=kind.kind, owner_id=owner_id))
    withdraw = request.form.get("action") == "withdraw"
    try:
        if withdraw:
            content.withdraw(kind, owner_id, language)
        else:
            content.offer(current_user, kind, owner_id, language)
    except RuleError as error:
        db.session.rollback()
        return render_template("translations/overview.html", kind=kind, owner_id=owner_id, title=title,
                               versions=services.overview(kind, owner_id), form=form, error=str(error),
                               error_language=language), 400
    db.session.commit()
    name, label = content.shown_name(language), _(kind.label)
    if withdraw:
        message = _("Residents no longer see the %(kind)s in %(language)s.", kind=label, language=name)
    elif language == content.EASY_READ:
        message = _("Residents can now choose the easy-read version of the %(kind)s.", kind=label)
    else:
        message = _("Residents who read the site in %(language)s now see the %(kind)s in %(language)s.", kind=label, language=name)
    flash(message, "success")
    return redirect(url_for("translations.overview", kind_name=kind.kind, owner_id=owner_id))
