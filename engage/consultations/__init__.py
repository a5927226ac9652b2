"""The consultation database (built in issue 5)."""
from flask import Blueprint, Flask

bp = Blueprint("consultations", __name__)


def init_app(app: Flask) -> None:
    from . import models, views  # noqa: F401

    app.register_blueprint(bp)
