"""The partnership: its organisations, partnerships, priorities, outcomes and places."""
from flask import Blueprint, Flask

bp = Blueprint("partnership", __name__)


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401

    app.register_blueprint(bp)
