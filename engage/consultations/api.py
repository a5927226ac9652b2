"""Open data: CSV and JSON downloads of public consultations, and the JSON API under /api/v1.

Everything here is public: it uses ``services.public_audience()``, so partner-only and
own-organisation records never appear, whoever is signed in. Results are exported through
``engage.consultations.results.suppressed_figures`` (figures with a small base hidden) when
that module is present; without it only the consultation details and findings are exported.
"""
from __future__ import annotations

import csv
import dataclasses
import importlib
import io
from datetime import date, datetime
from decimal import Decimal

from flask import Response, current_app, jsonify, render_template, request, url_for

from ..core import params
from ..core import openapi as spec
from ..core.errors import bad_request, not_found
from ..core.pagination import page_arg
from ..core.params import to_id
from ..core.registry import take_part
from ..core.timestamps import rfc3339
from ..extensions import db
from ..partnership.models import Area, Priority
from ..partnership.services import resolve_place
from . import bp, choices, services
from .search import hit_url, run_search
from .models import AUDIENCES, CHANNELS, STATUSES, Consultation
from ..core import clock

MAX_Q = 500


# ---- results through 5B's suppression, when present ----------------------------------------

def _results_module():
    try:
        return importlib.import_module("engage.consultations.results")
    except ModuleNotFoundError as error:
        if error.name == "engage.consultations.results":
            return None
        raise


def _suppression():
    return getattr(_results_module(), "suppressed_figures", None)


def _suppressed_rows():
    return getattr(_results_module(), "suppressed_rows", None)


def results_available() -> bool:
    return _suppression() is not None


def _jsonable(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return rfc3339(value)
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "__dict__"):
        return {k: _jsonable(v) for k, v in vars(value).items() if not k.startswith("_")}
    return str(value)


def public_results(consultation: Consultation):
    """The suppressed results of a public consultation whose results are published, or None."""
    function = _suppression()
    if function is None or not services.results_published(consultation):
        return None
    return _jsonable(function(consultation))


# ---- serialising ---------------------------------------------------------------------------

def summary_of(c: Consultation) -> dict:
    return {
        "id": c.id,
        "title": c.title,
        "summary": c.summary,
        "status": c.status,
        "status_label": STATUSES[c.status],
        "lead_organisation": c.lead_organisation.name if c.lead_organisation else None,
        "starts_on": c.starts_on.isoformat() if c.starts_on else None,
        "closes_on": c.closes_on.isoformat() if c.closes_on else None,
        "results_published_on": c.results_published_on.isoformat() if services.results_published(c) else None,
        "areas": [{"id": a.id, "name": a.name, "level": a.level} for a in c.areas],
        "priorities": [{"id": p.id, "name": p.name, "framework": p.framework.name} for p in c.priorities],
        "audiences": [{"value": a, "label": AUDIENCES.get(a, a)} for a in c.audiences],
        "is_demo": bool(c.is_demo),
        "url": url_for("consultations.page", consultation_id=c.id, _external=True),
    }


def detail_of(c: Consultation) -> dict:
    published = services.results_published(c)
    out = summary_of(c)
    out.update({
        "purpose": c.purpose,
        "how_to_take_part": c.how_to_take_part,
        "take_part_url": take_part.link(c, external=True) or None,
        "partners": [o.name for o in c.partners],
        "partnerships": [p.name for p in c.partnerships],
        "themes": [t.name for t in c.themes],
        "outcomes": [str(o) for o in c.outcomes],
        "methods": [{"slug": m, "title": choices.method_label(m)} for m in c.methods],
        "channels": [{"value": ch, "label": CHANNELS.get(ch, ch)} for ch in c.channels],
        "planned_start": _iso(c.planned_start), "planned_close": _iso(c.planned_close),
        "actual_start": _iso(c.actual_start), "actual_close": _iso(c.actual_close),
        "people_reached": c.people_reached, "responses": c.responses, "cost": c.cost,
        "equality_monitoring": services.equality_monitored(c),
        "contact_name": c.contact_name or None, "contact_email": c.contact_email or None,
        "documents": [{"title": d.title, "filename": d.filename, "content_type": d.content_type, "size": d.size,
                       "url": url_for("consultations.download", consultation_id=c.id, document_id=d.id, _external=True)}
                      for d in c.documents],
        "questions": [{"id": q.id, "code": q.code, "text": q.text, "type": q.qtype,
                       "options": [o.label for o in q.options]} for q in c.questions],
        "findings": [{"id": f.id, "statement": f.statement, "evidence": f.evidence} for f in c.findings] if published else [],
        "results": public_results(c),
        "results_note": None if results_available() else "Figures are not part of this export yet; see the consultation page.",
    })
    return out


def _iso(value):
    return rfc3339(value) if value else None


def _public_consultations():
    return db.session.scalars(services.finder_query(services.public_audience())).all()


# ---- downloads -----------------------------------------------------------------------------

@bp.route("/consultations/open-data")
def open_data():
    return render_template("consultations/open_data.html", results_available=results_available())


CSV_COLUMNS = ["id", "title", "summary", "status", "lead_organisation", "partners", "areas", "priorities", "themes",
               "audiences", "methods", "channels", "starts_on", "closes_on", "results_published_on", "people_reached",
               "responses", "equality_monitoring", "findings", "is_demo", "url"]


def _csv_safe(value) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


@bp.route("/consultations/export.csv")
def export_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for c in _public_consultations():
        published = services.results_published(c)
        row = {
            "id": c.id, "title": c.title, "summary": c.summary, "status": STATUSES[c.status],
            "lead_organisation": c.lead_organisation.name if c.lead_organisation else "",
            "partners": "; ".join(o.name for o in c.partners), "areas": "; ".join(a.name for a in c.areas),
            "priorities": "; ".join(p.label for p in c.priorities), "themes": "; ".join(t.name for t in c.themes),
            "audiences": "; ".join(AUDIENCES.get(a, a) for a in c.audiences),
            "methods": "; ".join(choices.method_label(m) for m in c.methods),
            "channels": "; ".join(CHANNELS.get(ch, ch) for ch in c.channels),
            "starts_on": _iso(c.starts_on) or "", "closes_on": _iso(c.closes_on) or "",
            "results_published_on": _iso(c.results_published_on) if published else "",
            "people_reached": c.people_reached if c.people_reached is not None else "",
            "responses": c.responses if c.responses is not None else "",
            "equality_monitoring": "yes" if services.equality_monitored(c) else "no",
            "findings": " | ".join(f.statement for f in c.findings) if published else "",
            "is_demo": "yes" if c.is_demo else "no",
            "url": url_for("consultations.page", consultation_id=c.id, _external=True),
        }
        writer.writerow([_csv_safe(row[col]) for col in CSV_COLUMNS])
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=consultations.csv"})


RESULT_COLUMNS = ["consultation_id", "consultation", "question_id", "question_code", "question", "option", "segment",
                  "dimension", "count", "base", "percent", "suppressed"]


@bp.route("/consultations/export-results.csv")
def export_results_csv():
    rows_for = _suppressed_rows()
    if rows_for is None:
        not_found("Results are not available as open data yet.")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESULT_COLUMNS)
    for c in _public_consultations():
        if not services.results_published(c):
            continue
        for row in rows_for(c, public=True):
            writer.writerow([_csv_safe("yes" if row.get(col) is True else "no" if row.get(col) is False else row.get(col))
                             for col in RESULT_COLUMNS])
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=consultation-results.csv"})


@bp.route("/consultations/export.json")
def export_json():
    body = {"generated_on": clock.today().isoformat(), "licence": "Open data: reuse it freely and say where it came from.",
            "results_included": results_available(),
            "consultations": [detail_of(c) for c in _public_consultations()]}
    response = jsonify(body)
    response.headers["Content-Disposition"] = "attachment; filename=consultations.json"
    return response


# ---- the API -------------------------------------------------------------------------------

def _int_param(name: str, what: str):
    args = params.query()
    number = args.id(name)
    if args.problems:
        bad_request(f"{name} must be the number of {what}, like 12")
    return number


spec.schema("ConsultationSummary", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
        "status": {"type": "string", "enum": list(STATUSES)}, "status_label": {"type": "string"},
        "lead_organisation": {"type": "string"}, "starts_on": {"type": "string", "format": "date", "nullable": True},
        "closes_on": {"type": "string", "format": "date", "nullable": True},
        "results_published_on": {"type": "string", "format": "date", "nullable": True},
        "areas": {"type": "array", "items": {"type": "object"}}, "priorities": {"type": "array", "items": {"type": "object"}},
        "audiences": {"type": "array", "items": {"type": "object"}}, "is_demo": {"type": "boolean"},
        "url": {"type": "string", "format": "uri"},
    },
})
spec.schema("Consultation", {
    "allOf": [{"$ref": "#/components/schemas/ConsultationSummary"}, {"type": "object", "properties": {
        "purpose": {"type": "string"}, "how_to_take_part": {"type": "string"},
        "documents": {"type": "array", "items": {"type": "object"}},
        "questions": {"type": "array", "items": {"type": "object"}},
        "findings": {"type": "array", "items": {"type": "object", "properties": {"statement": {"type": "string"}, "evidence": {"type": "string"}}}},
        "results": {"description": "Published results with small-base figures suppressed; null before publication.", "nullable": True},
    }}],
})
spec.schema("SearchHit", {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["consultation", "question", "finding"]},
        "title": {"type": "string"}, "consultation": {"type": "string"}, "consultation_id": {"type": "integer"},
        "headline": {"type": "string", "nullable": True, "description": "For questions: the top answer, its percentage, base and year"},
        "url": {"type": "string", "format": "uri"},
    },
})

spec.describe("/consultations", "get", {
    "summary": "Public consultations, open ones first",
    "parameters": [
        spec.query_param("q", "Words in the title or summary"),
        spec.query_param("area", "An area's number. Work in the area, in the places inside it, and in the wider places it "
                                 "sits in (town- and borough-wide work) is included; the wider ones are named in `covers`", "integer"),
        spec.query_param("postcode", "A full postcode, instead of area: the place it is in, by the same rule"),
        spec.query_param("priority", "A priority's number; work tagged with the priorities it replaced is included", "integer"),
        spec.query_param("status", "planned, open, closed or results-published", enum=list(STATUSES)),
        spec.query_param("page", "Page number, from 1", "integer"),
    ],
    "responses": {"200": {"description": "A page of consultations", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                                         "place": {"type": "object", "nullable": True, "description": "The place filtered by",
                                                   "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "level": {"type": "string"}}},
                                         "consultations": {"type": "array", "items": {"allOf": [
                                             {"$ref": "#/components/schemas/ConsultationSummary"},
                                             {"type": "object", "properties": {"covers": {
                                                 "type": "string", "nullable": True,
                                                 "description": "With a place filter: set (e.g. 'Covers all of Halton') when the consultation was included because it covers a wider place"}}}]}}}}}}},
                  "400": {"description": "A parameter was not right; the message says which"}},
})
spec.describe("/consultations/{consultation_id}", "get", {
    "summary": "One public consultation with its questions, findings and published results",
    "parameters": [{"name": "consultation_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "The consultation", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Consultation"}}}},
                  "404": {"description": "No public consultation has that number"}},
})
spec.describe("/search", "get", {
    "summary": "Search public consultations, the questions they asked and their findings",
    "parameters": [spec.query_param("q", "What to look for, in plain words"),
                   spec.query_param("kind", "Only consultation, question or finding", enum=["consultation", "question", "finding"]),
                   spec.query_param("page", "Page number, from 1", "integer")],
    "responses": {"200": {"description": "Hits, each with its kind and url", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"query": {"type": "string"}, "total": {"type": "integer"},
                                         "capped": {"type": "boolean", "description": "More matched than were counted: "
                                                    "total is then a floor, 'more than 1,000'"},
                                         "page": {"type": "integer"},
                                         "suggestion": {"type": "string", "nullable": True},
                                         "hits": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}}}}}}}},
})


@bp.route("/api/v1/consultations")
def api_list():
    area_id = _int_param("area", "an area")
    priority_id = _int_param("priority", "a priority")
    args = params.query()
    status = args.choice("status", STATUSES, default="")
    if args.problems:
        bad_request("status must be one of: " + ", ".join(STATUSES))
    q = args.text("q", MAX_Q)
    if area_id is not None and db.session.get(Area, area_id) is None:
        bad_request(f"There is no area with number {area_id}")
    if priority_id is not None and db.session.get(Priority, priority_id) is None:
        bad_request(f"There is no priority with number {priority_id}")
    postcode = args.text("postcode", 20)
    if postcode and area_id is not None:
        bad_request("Give area or postcode, not both")
    place = resolve_place(area_id, postcode)
    if place.error:
        bad_request(place.error)
    query = services.finder_query(services.public_audience(), statuses=[status] if status else [], place=place.scope,
                                  priority_id=priority_id, text=q or None)
    page = db.paginate(query, page=page_arg(), per_page=50, error_out=False)
    items = []
    for c in page.items:
        item = summary_of(c)
        if place.scope is not None:
            item["covers"] = place.label_for(c.areas)
        items.append(item)
    scope = place.scope
    return jsonify({"total": page.total, "page": page.page, "pages": page.pages or 1,
                    "place": {"id": scope.area_id, "name": scope.name, "level": scope.level} if scope else None,
                    "consultations": items})


@bp.route("/api/v1/consultations/<int:consultation_id>")
def api_detail(consultation_id):
    consultation = db.session.get(Consultation, consultation_id) if to_id(consultation_id) else None
    if consultation is None or not services.can_view(services.public_audience(), consultation):
        not_found("There is no public consultation with that number.")
    return jsonify(detail_of(consultation))


@bp.route("/api/v1/search")
def api_search():
    args = params.query()
    q = args.text("q", MAX_Q)
    kind = args.choice("kind", ("consultation", "question", "finding"), default="")
    if args.problems:
        bad_request("kind must be consultation, question or finding")
    try:
        results = run_search(services.public_audience(), q, {"kind": [kind]} if kind else {}, page=page_arg(), pagelen=20)
    except Exception:
        current_app.logger.exception("API search failed")
        from ..core.errors import error_response

        return error_response(503, "Search is not available just now. Try again later.")
    hits = []
    for hit in results.hits:
        f = hit.fields
        hits.append({"kind": f.get("kind"), "title": f.get("title"), "consultation": f.get("ctitle"),
                     "consultation_id": f.get("consultation_id"), "headline": f.get("headline") or None,
                     "status": f.get("status"), "url": hit_url(f, external=True)})
    # "capped": more matched than were counted; "total" is then a floor ("more than 1,000").
    return jsonify({"query": results.query, "total": results.total, "capped": results.capped, "page": results.page,
                    "suggestion": results.suggestion,
                    "message": results.message, "hits": hits})
