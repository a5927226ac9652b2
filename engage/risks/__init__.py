"""The strategic risk register (seed 004, "Managing Risk"): for partners only.

- ``scale.py``: the likelihood and impact scales in words, scores and bands.
- ``services.py``: adding, changing, reviewing and closing risks (every change recorded),
  the register (highest first), the heat map, links to outcomes and plan actions, and the
  review reminders (``flask --app wsgi engage risk-reminders``, run daily by cron or a timer).
"""
from flask import Blueprint, Flask

bp = Blueprint("risks", __name__, url_prefix="/risks")


def init_app(app: Flask) -> None:
    from . import demo, models, views  # noqa: F401  (seeder, tables, routes)
    from .cli import register_cli
    from .panels import register

    app.register_blueprint(bp)
    register(app)
    register_cli()
