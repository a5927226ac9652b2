"""The partnership: its organisations, partnerships, priorities, outcomes and places."""
from flask import Blueprint, Flask

bp = Blueprint("partnership", __name__)


def init_app(app: Flask) -> None:
    from . import demo, views, views_postcodes  # noqa: F401  (demo registers the demo postcodes)

    app.register_blueprint(bp)
    from .links import register as register_links

    register_links(app)  # an outcome, for risks and plan actions to link to
