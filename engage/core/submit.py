"""One shape for a form that makes one change (a view that reads the form, calls a service,
commits once, says what happened and goes on):

    outcome = submit(form, lambda: records.restore(current_user, survey, response, form.reason.data),
                     refused=BuildError, done="Put back.", to=url_for(...))
    return outcome.response or (render_template(..., form=form), outcome.status)

If the form is good, ``change()`` runs (a service call that flushes), the view's one commit
follows, ``done`` (a message, or a function of what ``change`` returned, worked out after the
commit) is flashed as a success and the answer is a redirect to ``to`` (an address, or a
function of what ``change`` returned, for a record it has just made). If the service
refuses (an exception of a ``refused`` type: its message goes beside its ``field``, else at the
top of the form) the answer is the form again with 400; if someone else moved the record first
(``AlreadyMoved``) the form again with its message at the top and 409. Either way nothing is
kept (the session is rolled back) and what the person typed stays in the form.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import flash, redirect

from ..extensions import db
from .errors import RuleError
from .forms import attach_error, form_status
from .transitions import AlreadyMoved


@dataclass
class Submitted:
    """``response`` is the redirect after a change, or None: then show the form again with
    ``status``."""
    response: Any = None
    status: int = 200


def submit(form, change: Callable[[], Any], *, done: str | Callable[[Any], str], to: str | Callable[[Any], str],
           refused: type[Exception] | tuple[type[Exception], ...] = RuleError) -> Submitted:
    if form.validate_on_submit():
        try:
            result = change()
            db.session.commit()
        except AlreadyMoved as error:  # before ``refused``: it is a RuleError too
            db.session.rollback()
            form.form_errors.append(str(error))
            return Submitted(status=409)
        except refused as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(done(result) if callable(done) else done, "success")
            return Submitted(response=redirect(to(result) if callable(to) else to))
    return Submitted(status=form_status(form))
