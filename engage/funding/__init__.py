"""Funding programmes and bid rounds (issue 22, seed 003).

- ``services.py``: programmes, yearly allocations and the taper, funded projects by thematic
  partnership, their money for each year (lines of the one budget, engage/strategy/budget.py,
  in the book "funding"), spend against allocation, exit strategies.
- ``bids.py``: bid rounds (open → scoring → ranked → decided), weighted criteria a partnership
  sets, scores by named assessors, the ranked list beside what pro rata would give.
- ``views.py``: public pages (programmes, allocations, projects); partners' pages (rounds, bids,
  scores); officers' forms.
"""
from flask import Blueprint, Flask

bp = Blueprint("funding", __name__)


def init_app(app: Flask) -> None:
    from . import bids, demo, models, views  # noqa: F401  (routes, tables, workflow, demo seeder)
    from ..core.registry import panels
    from .panels import dashboard_links

    app.register_blueprint(bp)
    panels.register("account.dashboard", dashboard_links, app)
