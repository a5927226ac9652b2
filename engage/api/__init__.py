"""The JSON API under /api/v1: health and the OpenAPI document. Capabilities add their own
API routes on their own blueprints under /api/v1 and describe them in ``core.openapi``."""
from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401

    app.register_blueprint(bp)
