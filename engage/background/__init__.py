"""Background work for officers (issue 21): the job queue's state and its dead-letter list.

``/admin/background-work`` shows how many jobs wait and run, and every job that failed its
last try (engage/core/queue.py): what it was, when it was queued and last tried, how many
tries, and why it failed, with a "Try again" button (a compare-and-set on "dead", recorded in
the audit trail). Linked from officers' "What you can do" through the ``account.dashboard``
panel.
"""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("background", __name__)


def init_app(app: Flask) -> None:
    from ..core.registry import panels
    from . import views

    app.register_blueprint(bp)
    panels.register("account.dashboard", views.dashboard_link, app)
