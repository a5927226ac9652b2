"""Background work for officers (issue 21): the job queue's state and its dead-letter list.

``/admin/background-work`` shows how many jobs wait and run, and every job that failed its
last try (engage/core/queue.py): what it was, when it was queued and last tried, how many
tries, and why it failed, with a "Try again" button (a compare-and-set on "dead", recorded in
the audit trail). Linked from officers' "What you can do" through the ``account.dashboard``
panel. ``purge-expired`` forgets finished jobs after 30 days (``prune_jobs``).
"""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("background", __name__)


def init_app(app: Flask) -> None:
    from ..core.registry import panels, purges
    from . import views

    app.register_blueprint(bp)
    panels.register("account.dashboard", views.dashboard_link, app)
    purges.register("finished background jobs", prune_jobs, app)   # part of purge-expired


def prune_jobs(now=None, echo=lambda message: None) -> int:
    """Forget finished jobs after 30 days and dead ones after 90 (``purge-expired``)."""
    from ..core import queue

    return queue.prune()
