"""The practitioner toolkit (built in issue 4)."""
from flask import Blueprint, Flask

bp = Blueprint("toolkit", __name__)


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401

    app.register_blueprint(bp)
