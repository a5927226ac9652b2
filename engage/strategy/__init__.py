"""The engagement strategy and its implementation plan, and the Network Group.

- ``documents.py``: strategy versions (draft → out for comment → adopted → superseded, the
  table in ``workflow.py``), sections, comments and their published responses, comparing.
- ``plan.py``: themes, actions, progress, links to other capabilities, filters, timeline.
- ``budget.py``: budget lines, quarterly figures and the arithmetic (never typed in).
- ``board_report.py``: the quarterly board report, as a page and a Word document.
- ``network.py``: the Network Group directory, helpers on consultations, events, iCalendar.
"""
from flask import Blueprint, Flask

bp = Blueprint("strategy", __name__)
api_bp = Blueprint("strategy_api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from . import api, demo, models, panels, views, views_network, views_plan  # noqa: F401  (routes, seeder)
    from ..core.registry import links
    from .cli import register_cli
    from .plan import ACTION_LINK

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    panels.register(app)
    links.register(ACTION_LINK, app)  # a response names the action it led to
    register_cli()
