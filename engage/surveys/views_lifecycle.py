"""Staff page for a survey's lifecycle moves: close now, extend, reopen (each with a reason)
and the record of every move (engage/surveys/lifecycle.py)."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user

from ..consultations import services as consultations
from ..core.errors import not_found
from ..core.i18n import gettext as _
from ..core.security import role_required
from ..core.submit import submit
from ..core.templating import format_date
from . import bp, builder, lifecycle
from .forms import CloseNowForm, NewCloseForm

EDITORS = consultations.EDITOR_ROLES


def _page(survey, forms=None, status=200):
    forms = forms or {}
    return render_template("surveys/manage/lifecycle.html", survey=survey, moves=lifecycle.moves(survey),
                           move_names=lifecycle.MOVES, state_words=lifecycle.STATE_WORDS, last_day=lifecycle.last_day,
                           close_form=forms.get("close-now") or CloseNowForm(formdata=None, prefix="close"),
                           extend_form=forms.get("extend") or NewCloseForm(formdata=None, prefix="extend"),
                           reopen_form=forms.get("reopen") or NewCloseForm(formdata=None, prefix="reopen")), status


@bp.route("/surveys/<int:survey_id>/open-and-close")
@role_required(*EDITORS)
def lifecycle_page(survey_id):
    return _page(builder.get_for_manage(current_user, survey_id))


@bp.route("/surveys/<int:survey_id>/open-and-close/<move>", methods=["POST"])
@role_required(*EDITORS)
def lifecycle_move(survey_id, move):
    survey = builder.get_for_manage(current_user, survey_id)
    if move not in lifecycle.MOVES:
        not_found(_("There is no such change. Choose close now, extend or reopen."))
    prefix = {"close-now": "close", "extend": "extend", "reopen": "reopen"}[move]
    form = CloseNowForm(prefix=prefix) if move == "close-now" else NewCloseForm(prefix=prefix)

    def change():
        if move == "close-now":
            return lifecycle.close_now(current_user, survey, form.reason.data)
        if move == "extend":
            return lifecycle.extend(current_user, survey, form.closes_on.data, form.reason.data)
        return lifecycle.reopen(current_user, survey, form.closes_on.data, form.reason.data)

    def done(_result) -> str:
        day = lifecycle.last_day(survey.closes_at)
        if move == "close-now":
            return _("Closed now: it takes no more answers.")
        if move == "extend":
            return _("Extended: it now closes at the end of %(date)s.", date=format_date(day))
        return _("Reopened: it takes answers until the end of %(date)s.", date=format_date(day))

    outcome = submit(form, change, refused=lifecycle.MoveError, done=done,
                     to=url_for("surveys.lifecycle_page", survey_id=survey.id))
    return outcome.response or _page(survey, {move: form}, outcome.status)
