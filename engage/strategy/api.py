"""The strategy's open data: GET /api/v1/strategy (the adopted version with its sections) and
GET /api/v1/actions?theme=&status= (the implementation plan)."""
from __future__ import annotations

from flask import jsonify, url_for

from ..core.params import Query
from ..core import openapi as spec
from ..core.errors import error_response
from ..core.params import to_id
from ..core.sanitise import render_markdown
from . import api_bp, documents, plan
from .models import ACTION_STATUSES, PlanTheme

spec.schema("StrategySection", {
    "type": "object",
    "required": ["key", "position", "heading", "markdown", "html"],
    "properties": {
        "key": {"type": "string", "description": "The same in every version, for comparing", "example": "principles"},
        "position": {"type": "integer"},
        "heading": {"type": "string"},
        "markdown": {"type": "string"},
        "html": {"type": "string", "description": "The Markdown as cleaned HTML"},
    },
})
spec.schema("Strategy", {
    "type": "object",
    "required": ["title", "version", "state", "adopted_on", "sections", "url"],
    "properties": {
        "title": {"type": "string"},
        "version": {"type": "integer", "description": "The version number"},
        "state": {"type": "string", "enum": ["adopted"]},
        "summary": {"type": "string"},
        "adopted_on": {"type": "string", "format": "date"},
        "url": {"type": "string", "format": "uri"},
        "responses_url": {"type": "string", "format": "uri", "description": "What was done with each comment"},
        "comments": {"type": "integer"},
        "sections": {"type": "array", "items": {"$ref": "#/components/schemas/StrategySection"}},
    },
})
spec.schema("PlanAction", {
    "type": "object",
    "required": ["id", "theme", "activity", "status", "url"],
    "properties": {
        "id": {"type": "integer"},
        "theme": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "purpose": {"type": "string"},
        "activity": {"type": "string"},
        "lead_organisation": {"type": "string", "nullable": True},
        "partnership": {"type": "string", "nullable": True},
        "priority": {"type": "string", "nullable": True},
        "timescale": {"type": "string"},
        "starts_on": {"type": "string", "format": "date", "nullable": True},
        "due_on": {"type": "string", "format": "date", "nullable": True},
        "status": {"type": "string", "enum": list(ACTION_STATUSES), "description": "late is worked out from due_on"},
        "latest_progress": {"type": "object", "nullable": True, "properties": {"on": {"type": "string", "format": "date"}, "note": {"type": "string"}}},
        "url": {"type": "string", "format": "uri"},
    },
})
spec.describe("/strategy", "get", {
    "summary": "The adopted engagement strategy",
    "description": "The version of the engagement strategy in force now, with its sections in order.",
    "tags": ["Strategy"],
    "responses": {
        "200": {"description": "The adopted strategy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Strategy"}}}},
        "404": {"description": "No strategy has been adopted yet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    },
})
spec.describe("/actions", "get", {
    "summary": "The implementation plan's actions",
    "description": "Every action of the plan in theme order, with its status today.",
    "tags": ["Strategy"],
    "parameters": [
        spec.query_param("theme", "Only actions under this theme (its id)", "integer", minimum=1),
        spec.query_param("status", "Only actions with this status", enum=list(ACTION_STATUSES)),
    ],
    "responses": {
        "200": {"description": "The actions", "content": {"application/json": {"schema": {
            "type": "object", "required": ["total", "actions"],
            "properties": {"total": {"type": "integer"}, "actions": {"type": "array", "items": {"$ref": "#/components/schemas/PlanAction"}}}}}}},
        "400": {"description": "A theme or status that is not on the list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    },
})


@api_bp.route("/strategy")
def strategy():
    version = documents.adopted_version()
    if version is None:
        return error_response(404, "No engagement strategy has been adopted yet.")
    total, _ = documents.comment_counts(version)
    return jsonify({
        "title": version.title, "version": version.number, "state": version.state, "summary": version.summary,
        "adopted_on": version.adopted_on.isoformat() if version.adopted_on else None,
        "url": url_for("strategy.index", _external=True),
        "responses_url": url_for("strategy.responses", version_id=version.id, _external=True),
        "comments": total,
        "sections": [{"key": s.key, "position": s.position, "heading": s.heading, "markdown": s.body, "html": str(render_markdown(s.body))}
                     for s in version.sections],
    })


@api_bp.route("/actions")
def actions():
    filters = plan.PlanFilters()
    args = Query()
    theme = args.text("theme")
    status = args.text("status")
    if theme:
        filters.theme = to_id(theme)
        from ..extensions import db

        if filters.theme is None or db.session.get(PlanTheme, filters.theme) is None:
            return error_response(400, f"There is no theme {theme[:40]!r}. Give a theme's id, from the plan.")
    if status:
        if status not in ACTION_STATUSES:
            return error_response(400, f"{status[:40]!r} is not a status. Use one of: {', '.join(ACTION_STATUSES)}.")
        filters.status = status
    rows = plan.actions(filters)
    out = []
    for a in rows:
        note = plan.note_as_at(a)
        out.append({
            "id": a.id, "theme": {"id": a.theme.id, "name": a.theme.name}, "purpose": a.purpose_text, "activity": a.activity,
            "lead_organisation": a.lead_organisation.name if a.lead_organisation else None,
            "partnership": a.partnership.name if a.partnership else None,
            "priority": a.priority.name if a.priority else None, "timescale": a.timescale,
            "starts_on": a.starts_on.isoformat() if a.starts_on else None, "due_on": a.due_on.isoformat() if a.due_on else None,
            "status": plan.status_of(a), "latest_progress": {"on": note.noted_on.isoformat(), "note": note.note} if note else None,
            "url": url_for("strategy.action", action_id=a.id, _external=True),
        })
    return jsonify({"total": len(out), "actions": out})
