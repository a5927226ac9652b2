"""Officers' page for the search index: its state, and rebuilding it with a progress bar."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from ..accounts.roles import OFFICER
from ..core import params
from ..core.security import role_required
from . import bp, services
from .forms import RebuildForm


@bp.route("/admin/search", methods=["GET", "POST"])
@role_required(OFFICER)
def admin():
    form = RebuildForm()
    if form.validate_on_submit():
        services.start_rebuild(current_user)  # if one is running already, follow that one
        return redirect(url_for("search.admin", refresh="on" if form.auto_refresh.data else None))
    job = services.job()
    running = job.get("state") == "running"
    refresh = running and params.query().flag("refresh", on="on")
    return render_template("search/admin.html", form=form, job=job, running=running, refresh=refresh,
                           indexes=services.index_states()), 400 if form.errors else 200
