"""The consultation database: consultations, documents, results and findings; search,
open data, the API and the demo consultations."""
from flask import Blueprint, Flask, redirect, url_for

bp = Blueprint("consultations", __name__)


def _import_routes() -> None:
    from . import api, views  # noqa: F401

    try:  # the results, import and planning pages, when present
        from . import views_results  # noqa: F401
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.views_results":
            raise


def _forward_plan_fallback():
    """Used only when the planning pages are not installed: the planned and open list."""
    return redirect(url_for("consultations.finder", status=["open", "planned"]))


def init_app(app: Flask) -> None:
    from . import demo, models, search  # noqa: F401  (registers the index and the demo seeder)

    _import_routes()
    app.register_blueprint(bp)
    from ..core.content import translatable
    from .translation import KIND

    translatable.register(KIND, app=app)
    from ..core.registry import outcome_evidence
    from .services import outcome_evidence as consultations_on_outcomes

    outcome_evidence.register(consultations_on_outcomes, app)  # a ladder stage's page shows them
    from . import links

    links.register(app)  # a consultation, for a funding bid to cite
    if "consultations.forward_plan" not in app.view_functions:
        app.add_url_rule("/consultations/forward-plan", "consultations.forward_plan", _forward_plan_fallback)
