"""The home page and the site's fixed pages (accessibility, privacy, contact)."""
from flask import Blueprint, Flask

bp = Blueprint("main", __name__)


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401

    app.register_blueprint(bp)
