"""Translating what staff write (engage/core/content.py): for each translatable unit (a
survey, a consultation, a findings report) a page of its versions, a side-by-side editor for
each language or easy read that shows what is missing or out of date, and offering a version
to residents once it is complete."""
from flask import Blueprint, Flask

bp = Blueprint("translations", __name__)


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401

    app.register_blueprint(bp)
