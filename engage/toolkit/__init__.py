"""The practitioner toolkit: methods and guides in plain English, searched with facets and
"did you mean", a method chooser, officers' editing with revisions, practitioners'
suggestions, "was this page useful?" feedback, a JSON API and an embeddable search box."""
from flask import Blueprint, Flask

bp = Blueprint("toolkit", __name__)
api_bp = Blueprint("toolkit_api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from . import api, indexing, loader, models, views  # noqa: F401  (routes, index spec, CLI)

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)

    from .links import register as register_links

    register_links(app)
