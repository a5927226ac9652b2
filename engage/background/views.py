"""Officers' page for background work: what waits, what runs, and the dead-letter list."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from ..accounts.roles import OFFICER
from ..core import mail, params, queue
from ..core.errors import not_found
from ..core.models import QueueJob
from ..core.security import role_required
from ..core.transitions import AlreadyMoved
from ..core.forms import EngageForm
from ..core.i18n import gettext as _
from ..extensions import db
from . import bp


class RetryForm(EngageForm):
    """The "Try again" button (CSRF only)."""


def _page(form, status=200):
    failing, given_up = mail.troubled()
    return render_template("background/admin.html", counts=queue.counts(), dead=queue.dead_jobs(), form=form,
                           mail_counts=mail.summary(), failing=failing, given_up=given_up,
                           give_up_days=mail.give_up_days()), status


@bp.route("/admin/background-work")
@role_required(OFFICER)
def admin():
    return _page(RetryForm())


@bp.route("/admin/background-work/<job_id>/retry", methods=["POST"])
@role_required(OFFICER)
def retry(job_id):
    number = params.to_id(job_id)
    job = db.session.get(QueueJob, number) if number is not None else None
    if job is None:
        not_found("There is no such background job.")
    form = RetryForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        queue.retry(current_user, job)
    except AlreadyMoved:
        db.session.rollback()
        flash(_("Someone else has just tried this job again, or it is no longer on the list."), "info")
        return redirect(url_for("background.admin"))
    db.session.commit()
    flash(_("“%(job)s” is on the queue again.", job=job.label) if job.label else _("The job is on the queue again."), "success")
    return redirect(url_for("background.admin"))


def dashboard_link(user, _viewer=None):
    """For officers, in "What you can do": background jobs waiting and failed for good."""
    from ..core.i18n import gettext

    if not (user.is_authenticated and user.role == OFFICER):
        return None
    counts = queue.counts()
    return (Markup('<li id="background-work"><a class="govuk-link" href="') + url_for("background.admin")
            + Markup('">') + gettext("Background work") + Markup("</a>: ")
            + gettext("%(waiting)s waiting or running; %(dead)s failed for good.",
                      waiting=f"{counts['queued'] + counts['running']:,}", dead=f"{counts['dead']:,}")
            + Markup("</li>"))
