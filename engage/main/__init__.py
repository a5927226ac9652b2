"""The home page and the site's fixed pages (accessibility, privacy, contact), the language
links, and the accessibility statement officers keep up to date."""
from flask import Blueprint, Flask

bp = Blueprint("main", __name__)


def init_app(app: Flask) -> None:
    from ..core.registry import panels
    from . import demo, views  # noqa: F401

    app.register_blueprint(bp)
    panels.register("account.dashboard", views.account_links, app)
