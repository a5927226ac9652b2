"""The surveys API: open surveys, and a survey's aggregated results (suppressed figures;
public once the results are published, otherwise for signed-in staff who may change it)."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user
from sqlalchemy import select

from ..consultations import services as consultations
from ..core import disclosure, numbers
from ..core import openapi as spec
from ..core.errors import not_found
from ..core.models import utcnow
from ..core.params import to_id
from ..core.timestamps import rfc3339
from ..extensions import db
from . import analysis, bp, builder, population, publishing
from .models import Survey


def results_public(survey) -> bool:
    """Public by a decision on the survey (``publishing.results_public``), once the
    consultation's results are out."""
    return publishing.results_public(survey) and consultations.results_published(survey.consultation)


@bp.route("/api/v1/surveys")
def api_surveys():
    now = utcnow()
    rows = db.session.scalars(select(Survey).where(Survey.opens_at.is_not(None), Survey.opens_at <= now)
                              .where((Survey.closes_at.is_(None)) | (Survey.closes_at > now)).order_by(Survey.closes_at, Survey.id)).all()
    public = consultations.public_audience()
    items = []
    for survey in rows:
        if not consultations.can_view(public, survey.consultation):
            continue
        items.append({
            "id": survey.id, "title": survey.title,
            "consultation": {"id": survey.consultation_id, "title": survey.consultation.title,
                             "url": url_for("consultations.page", consultation_id=survey.consultation_id, _external=True)},
            "opens": rfc3339(survey.opens_at),
            "closes": rfc3339(survey.closes_at),
            "url": url_for("surveys.start", survey_id=survey.id, _external=True),
            "short_url": url_for("surveys.short_link", code=survey.code, _external=True),
        })
    return jsonify({"surveys": items, "count": len(items)})


@bp.route("/api/v1/surveys/<id>/results")
def api_results(id):  # noqa: A002  (the path parameter's name in the OpenAPI document)
    number = to_id(id)
    survey = db.session.get(Survey, number) if number else None
    if survey is None or not consultations.can_view(current_user, survey.consultation):
        not_found("There is no survey with that number.")
    public = results_public(survey)
    staff = builder.can_manage(current_user, survey)
    if not public and not staff:
        not_found("This survey's results are not published yet.")
    people = analysis.load_people(survey)
    questions = analysis.aggregated(survey, public=not staff, people=people)
    return jsonify({"survey": {"id": survey.id, "title": survey.title, "consultation_id": survey.consultation_id,
                               "state": survey.state, "published": public},
                    "respondents": len(people),
                    "suppression_threshold": disclosure.threshold(),
                    "min_base_for_intervals": numbers.min_base(),
                    "method": url_for("main.numbers", _external=True),
                    "weighting": {"population_figures": population.source_facts(survey)},
                    "questions": questions})


spec.schema("SurveySummary", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "consultation": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "url": {"type": "string"}}},
        "opens": {"type": "string", "format": "date-time", "nullable": True},
        "closes": {"type": "string", "format": "date-time", "nullable": True, "description": "The survey closes at this moment (midnight after its last day)."},
        "url": {"type": "string", "description": "The address residents open to answer."},
        "short_url": {"type": "string"},
    },
})
spec.describe("/surveys", "get", {
    "summary": "Open surveys",
    "description": "Surveys open now on public consultations, soonest closing first.",
    "responses": {"200": {"description": "Open surveys", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"count": {"type": "integer"},
                                         "surveys": {"type": "array", "items": {"$ref": "#/components/schemas/SurveySummary"}}}}}}}},
})
spec.schema("SurveyFigure", {
    "type": "object",
    "properties": {
        "dimension": {"type": "string", "description": "all, ward, area-group, channel or equality:<key>"},
        "segment": {"type": "string"}, "segment_key": {"type": "string"}, "option": {"type": "string"},
        "count": {"type": "integer", "nullable": True},
        "base": {"type": "integer", "nullable": True, "description": "People in the group who answered, not counting "
                 "those whose only answer was left out of the base"},
        "percent": {"type": "number", "nullable": True, "description": "count / base × 100, rounded half up to one place "
                    "(12.25 gives 12.3), the rule used on every page and export; null for an answer left out of the base"},
        "interval_low": {"type": "number", "nullable": True, "description": "The low end of the 95% Wilson score interval "
                         "of percent, rounded half up to one place; null when the base is under min_base_for_intervals. "
                         "It assumes a random sample: people who chose to answer an open survey are not one"},
        "interval_high": {"type": "number", "nullable": True, "description": "The high end of the same interval"},
        "in_base": {"type": "boolean", "description": "False for an answer the survey's editors left out of the base "
                    "(such as Don't know): counted, but not in the base and with no percentage"},
        "suppressed": {"type": "boolean"},
    },
})
spec.describe("/surveys/{id}/results", "get", {
    "summary": "A survey's aggregated results",
    "description": "Counts, bases and percentages per question for everyone, each ward, priority wards and the rest of the "
                   "borough, each channel and each equality group, with the 95% Wilson interval of each percentage where the "
                   "base is at least min_base_for_intervals. Public once the results are published (figures whose base "
                   "is under the suppression threshold are null with suppressed true); before that, only for signed-in staff "
                   "who may change the survey, who see every figure. Each question's figures are SurveyFigure objects.",
    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "Aggregated results", "content": {"application/json": {"schema": {
        "type": "object", "required": ["survey", "respondents", "questions", "min_base_for_intervals"],
        "properties": {
            "survey": {"type": "object"},
            "respondents": {"type": "integer"},
            "suppression_threshold": {"type": "integer"},
            "min_base_for_intervals": {"type": "integer", "description": "No interval is given for a base under this "
                                       "(ENGAGE_MIN_BASE_FOR_INTERVALS, 30 by default)"},
            "method": {"type": "string", "format": "uri", "description": "The page that says how these numbers are worked out"},
            "weighting": {"type": "object", "properties": {"population_figures": {
                "type": "object", "nullable": True,
                "description": "The population figures weighted results are weighted to: where they come from, the date "
                               "they are for, who loaded them and when, and a sentence saying so; null when none are recorded",
                "properties": {"source": {"type": "string"}, "date": {"type": "string", "format": "date"},
                               "loaded_by": {"type": "string", "nullable": True},
                               "loaded_at": {"type": "string", "format": "date-time"},
                               "description": {"type": "string"}}}}},
            "questions": {"type": "array", "items": {"type": "object", "properties": {
                "question_id": {"type": "integer"}, "number": {"type": "string"}, "text": {"type": "string"},
                "type": {"type": "string"}, "multiple": {"type": "boolean"},
                "options": {"type": "array", "items": {"type": "string"}},
                "figures": {"type": "array", "items": {"$ref": "#/components/schemas/SurveyFigure"}}}}},
        }}}}},
                  "404": {"description": "No such survey, or its results are not published"}},
})
