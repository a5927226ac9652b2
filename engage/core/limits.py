"""A "too many attempts" answer that keeps what the person typed.

A rate limit (Flask-Limiter) normally answers a form post with a bare error page, and the
text the person wrote is gone. A form view marked ``@keeps_answers_when_limited`` (put it
under ``@limiter.limit``) is shown again instead: the view runs with ``breach()`` set, must
not save anything, and shows the form with its values and ``breach().message`` (which says
when to try again). The answer keeps the 429 status and a Retry-After header.

Public forms anyone can send (comments) also carry a honeypot: a text box people never see
(``{% from "macros/honeypot.html" import honeypot %}{{ honeypot() }}`` inside the form) that
scripts filling in every box do fill in; ``honeypot_tripped()`` is then true and the view
saves nothing.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app, g, make_response, request

from .i18n import N_, gettext, ngettext

_VIEWS: dict[tuple[str, str], object] = {}


@dataclass(frozen=True)
class Breach:
    reset_at: float  # seconds since the epoch when the person may try again

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.reset_at - time.time()))

    @property
    def message(self) -> str:
        return self.said("form")

    def said(self, action: str = "form") -> str:
        """What went wrong (``action``: one of ``ACTIONS``) and when to try again, in the
        reader's language."""
        minutes = math.ceil(self.seconds / 60)
        if minutes <= 1:
            wait = gettext("What you wrote is still here: try again in a minute.")
        elif minutes < 60:
            wait = ngettext("What you wrote is still here: try again in %(num)s minute.",
                            "What you wrote is still here: try again in %(num)s minutes.", minutes)
        elif minutes <= 90:
            wait = gettext("What you wrote is still here: try again in about an hour.")
        else:
            hours = round(minutes / 60)
            wait = ngettext("What you wrote is still here: try again in about %(num)s hour.",
                            "What you wrote is still here: try again in about %(num)s hours.", hours)
        return gettext(ACTIONS.get(action, ACTIONS["form"])) + " " + wait


# What was done too often, a whole sentence each (``Breach.said``).
ACTIONS = {
    "form": N_("You have sent this form too many times in a short time."),
    "sign-in": N_("You have tried to sign in too many times in a short time."),
    "link": N_("You have asked for a link too many times in a short time."),
    "codes": N_("You have tried codes too many times in a short time."),
}


def keeps_answers_when_limited(view):
    """Mark a form view to be shown again, with what was typed, when a rate limit is hit."""
    _VIEWS[(view.__module__, view.__qualname__)] = view
    return view


def breach() -> Breach | None:
    """Set while a marked view runs for a request that was over its limit."""
    return g.get("engage_limit_breach")


def _raw_view(view):
    seen = 0
    while view is not None and seen < 10:
        found = _VIEWS.get((getattr(view, "__module__", ""), getattr(view, "__qualname__", "")))
        if found is not None:
            return found
        view = getattr(view, "__wrapped__", None)
        seen += 1
    return None


def reshow(error):
    """For the 429 handler: the marked view's page, or None for any other request."""
    if request.method != "POST" or request.endpoint is None:
        return None
    view = _raw_view(current_app.view_functions.get(request.endpoint))
    if view is None:
        return None
    from ..extensions import limiter

    current = getattr(limiter, "current_limit", None)
    reset_at = float(current.reset_at) if current is not None else time.time() + 60
    g.engage_limit_breach = Breach(reset_at)
    try:
        response = make_response(view(**(request.view_args or {})))
    finally:
        g.pop("engage_limit_breach", None)
    response.status_code = 429
    response.headers["Retry-After"] = str(Breach(reset_at).seconds)
    return response


HONEYPOT = "website"


def honeypot_tripped() -> bool:
    """Did this form post fill in the box people never see (``templates/macros/honeypot.html``)?"""
    return bool((request.form.get(HONEYPOT) or "").strip())
