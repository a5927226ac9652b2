"""The partnership: its organisations, partnerships, priorities, outcomes and places."""
from flask import Blueprint, Flask

bp = Blueprint("partnership", __name__)


def init_app(app: Flask) -> None:
    from . import demo, views, views_postcodes  # noqa: F401  (demo registers the demo postcodes)

    app.register_blueprint(bp)
    from . import links

    links.register(app)  # an outcome, for a funding bid to cite
