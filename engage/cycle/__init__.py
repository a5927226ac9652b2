"""The annual planning cycle (seed 004's table) and the thematic partnerships' action plans.

- ``services.py``: the template (data the partnership edits), generating a year's calendar
  from it, what is due, done and late, and the reminders (``flask --app wsgi engage
  cycle-reminders``, run daily by cron or a timer; each reminder is sent once).
- ``plans.py``: draft action plans, the PSG's challenge on each action, the partnership's
  reply, and adoption into the implementation plan (engage/strategy) as one recorded move.
- ``workflow.py``: the draft plan's states and moves (engage/core/workflows.py).
"""
from flask import Blueprint, Flask

bp = Blueprint("cycle", __name__, url_prefix="/cycle")


def init_app(app: Flask) -> None:
    from . import demo, models, views, workflow  # noqa: F401  (seeder, tables, routes, the workflow table)
    from .cli import register_cli
    from .panels import register

    app.register_blueprint(bp)
    register(app)
    register_cli()
