"""GET /api/v1/findings and /api/v1/findings/<id>: published public reports with the
partnerships' responses, described in the OpenAPI document. Whoever asks, only what the
public may see appears (partner-only, embargoed and unpublished reports never do)."""
from __future__ import annotations

from datetime import date

from flask import jsonify, url_for

from ..core import params
from ..core import openapi as spec
from ..core.errors import not_found
from ..core.pagination import page_arg
from ..core.params import to_id
from ..extensions import db
from ..core.timestamps import rfc3339
from . import bp, responses, services
from .models import PROGRESS_STAGES, RESPONSE_STATUSES, FindingsReport
from ..core import clock

PER_PAGE = 20


def _iso(value):
    """Dates as YYYY-MM-DD; times as RFC 3339 with their UTC offset."""
    return rfc3339(value) if value else None


def summary_of(report: FindingsReport, today: date) -> dict:
    return {
        "id": report.id,
        "title": report.title,
        "summary": report.summary,
        "published_at": _iso(report.public_from),
        "priorities": [{"name": p["name"], "tagged_as": p["was"]} for p in services.priority_view(report)],
        "outcomes": [{"id": o.id, "code": o.code, "title": o.title} for o in report.outcomes],
        "areas": [{"id": a.id, "name": a.name, "level": a.level} for a in report.areas],
        "partnerships": [{"id": item.partnership.id, "name": item.partnership.name, "response": item.state_on(today),
                          "answered": item.answered, "of": item.total, "overdue_actions": len(item.overdue(today))}
                         for item in responses.progress(report)],
        "responses_due_on": _iso(responses.due_on(report)),
        "is_demo": bool(report.is_demo),
        "url": url_for("sharing.report", report_id=report.id, _external=True),
    }


def detail_of(report: FindingsReport, today: date) -> dict:
    out = summary_of(report, today)
    out.update({
        "what_it_means": report.meaning,
        "consultations": [{"id": c.id, "title": c.title, "url": url_for("consultations.page", consultation_id=c.id, _external=True)}
                          for c in report.consultations if c.visibility == "public"],
        "evidence_quality": {"method": report.method, "sample_size": report.sample_size,
                             "how_representative": report.representativeness, "known_gaps": report.gaps},
        "indicators": [{"id": i.id, "name": i.name} for i in report.indicators],
        "audiences": list(report.audiences or []),
        "key_findings": [{"id": f.id, "statement": f.statement, "evidence": f.evidence} for f in report.findings],
        "attachments": [{"title": a.title, "filename": a.filename, "content_type": a.content_type, "size": a.size,
                         "url": url_for("sharing.download", report_id=report.id, attachment_id=a.id, _external=True)}
                        for a in report.attachments],
        "recommendations": [{
            "id": rec.id, "text": rec.text,
            "responses": [{"id": r.id, "partnership": r.partnership.name, "status": r.status, "status_label": r.status_label,
                           "action": r.action, "reason": r.reason, "owner": r.owner, "due_on": _iso(r.due_on),
                           "updated_at": _iso(r.updated_at), "published_at": _iso(r.published_at),
                           "stage": r.stage, "stage_label": r.stage_label, "overdue": r.overdue_on(today),
                           "progress": [{"on": _iso(u.created_at), "stage": u.stage or None, "note": u.note} for u in r.updates]}
                          for r in rec.responses],
        } for rec in report.recommendations],
    })
    return out


@bp.route("/api/v1/findings")
def api_list():
    args = params.query()
    filters = services.Filters.from_args(args)
    args.refuse_problems()
    page = db.paginate(services.public_query(None, filters), page=page_arg(), per_page=PER_PAGE, error_out=False)
    today = clock.today()
    return jsonify({"total": page.total, "page": page.page, "pages": page.pages,
                    "findings": [summary_of(r, today) for r in page.items]})


@bp.route("/api/v1/findings/<report_id>")
def api_detail(report_id):
    rid = to_id(report_id)
    report = db.session.get(FindingsReport, rid) if rid else None
    if report is None or not services.is_public(report, None):
        not_found("No published findings report has that number.")
    return jsonify(detail_of(report, clock.today()))


spec.schema("FindingsSummary", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time"},
        "priorities": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "tagged_as": {"type": "array", "items": {"type": "string"}}}}},
        "outcomes": {"type": "array", "items": {"type": "object"}},
        "areas": {"type": "array", "items": {"type": "object"}},
        "partnerships": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "response": {"type": "string", "enum": ["done", "due", "late"]},
            "answered": {"type": "integer"}, "of": {"type": "integer"},
            "overdue_actions": {"type": "integer", "description": "Its published actions past their due date and not done"}}}},
        "responses_due_on": {"type": "string", "format": "date"},
        "is_demo": {"type": "boolean"}, "url": {"type": "string"},
    },
})
spec.schema("Findings", {
    "allOf": [{"$ref": "#/components/schemas/FindingsSummary"}, {"type": "object", "properties": {
        "what_it_means": {"type": "string"},
        "consultations": {"type": "array", "items": {"type": "object"}},
        "evidence_quality": {"type": "object"},
        "key_findings": {"type": "array", "items": {"type": "object", "properties": {"statement": {"type": "string"}, "evidence": {"type": "string"}}}},
        "recommendations": {"type": "array", "items": {"type": "object", "properties": {
            "text": {"type": "string"},
            "responses": {"type": "array", "items": {"type": "object", "properties": {
                "partnership": {"type": "string"}, "status": {"type": "string", "enum": list(RESPONSE_STATUSES)},
                "action": {"type": "string"}, "reason": {"type": "string"}, "owner": {"type": "string"},
                "due_on": {"type": "string", "format": "date"}, "published_at": {"type": "string", "format": "date-time"},
                "stage": {"type": "string", "enum": list(PROGRESS_STAGES)},
                "stage_label": {"type": "string"},
                "overdue": {"type": "boolean", "description": "Past its due date and not marked done (or not taken)"},
                "progress": {"type": "array", "items": {"type": "object"}}}}}}}},
    }}],
})
spec.describe("/findings", "get", {
    "summary": "Published findings reports (you said) with each partnership's response (we did), newest first",
    "parameters": [
        spec.query_param("q", "Words in the report, its findings, recommendations or responses"),
        spec.query_param("priority", "A priority's number; reports tagged with the priorities it replaced are included", "integer"),
        spec.query_param("area", "An area's number; reports about areas inside it, or the whole of the areas around it, are included", "integer"),
        spec.query_param("partnership", "A partnership's number: reports it must respond to", "integer"),
        spec.query_param("year", "The year reports were published", "integer"),
        spec.query_param("page", "Page number, from 1", "integer"),
    ],
    "responses": {"200": {"description": "A page of reports", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                                         "findings": {"type": "array", "items": {"$ref": "#/components/schemas/FindingsSummary"}}}}}}},
                  "400": {"description": "A parameter was not right; the message says which"}},
})
spec.describe("/findings/{report_id}", "get", {
    "summary": "One published findings report with its key findings, recommendations and responses",
    "parameters": [{"name": "report_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "The report", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Findings"}}}},
                  "404": {"description": "No published public report has that number"}},
})
