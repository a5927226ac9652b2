"""The toolkit's open-data API: GET /api/v1/toolkit and GET /api/v1/toolkit/<slug>."""
from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from ..core.params import Query
from ..core import openapi as spec
from ..core.errors import error_response
from ..core.sanitise import render_markdown
from ..core.timestamps import rfc3339
from ..extensions import db
from ..search import backend
from . import api_bp, services
from .indexing import FACETS
from .models import ToolkitEntry

_FACET_HELP = {
    "kind": "method or guide", "purpose": "inform, consult, involve, collaborate or empower",
    "audience": "who it is good for, like young-people or seldom-heard", "group_size": "small, medium or large",
    "time": "days, weeks or months", "cost": "low, medium or high",
}

spec.schema("ToolkitResult", {
    "type": "object",
    "required": ["slug", "title", "kind", "summary", "url"],
    "properties": {
        "slug": {"type": "string", "example": "focus-group"},
        "title": {"type": "string", "example": "Focus group"},
        "kind": {"type": "string", "enum": ["method", "guide"]},
        "summary": {"type": "string"},
        "url": {"type": "string", "format": "uri", "description": "The entry's page on this site"},
        "api_url": {"type": "string", "format": "uri"},
        "purpose": {"type": "array", "items": {"type": "string"}},
        "audiences": {"type": "array", "items": {"type": "string"}},
        "group_size": {"type": "string", "nullable": True},
        "time_needed": {"type": "string", "nullable": True},
        "cost": {"type": "string", "nullable": True},
        "snippet_html": {"type": "string", "nullable": True, "description": "Where the words matched, with <mark> around them"},
    },
})
spec.schema("ToolkitSearch", {
    "type": "object",
    "required": ["query", "total", "results", "facets", "suggestion"],
    "properties": {
        "query": {"type": "string"},
        "total": {"type": "integer"},
        "capped": {"type": "boolean", "description": "More entries matched than were counted: total (and each facet count) "
                   "is then a floor, 'more than 1,000'"},
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "filters": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/ToolkitResult"}},
        "facets": {"type": "object", "description": "For each facet, how many entries each value would give",
                   "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
                   "example": {"kind": {"method": 30, "guide": 15}}},
        "suggestion": {"type": "string", "nullable": True, "example": "focus group"},
        "message": {"type": "string", "nullable": True},
    },
})
spec.schema("ToolkitEntry", {
    "type": "object",
    "required": ["slug", "title", "kind", "summary", "html", "url"],
    "properties": {
        "slug": {"type": "string"}, "title": {"type": "string"}, "kind": {"type": "string", "enum": ["method", "guide"]},
        "summary": {"type": "string"}, "url": {"type": "string", "format": "uri"},
        "purpose": {"type": "array", "items": {"type": "string"}}, "audiences": {"type": "array", "items": {"type": "string"}},
        "group_size": {"type": "string", "nullable": True}, "time_needed": {"type": "string", "nullable": True},
        "cost": {"type": "string", "nullable": True}, "skills": {"type": "array", "items": {"type": "string"}},
        "accessibility": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}},
        "related": {"type": "array", "items": {"type": "object", "properties": {"slug": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"}}}},
        "markdown": {"type": "string", "description": "The content as written"},
        "html": {"type": "string", "description": "The content as HTML, cleaned with bleach"},
        "revision": {"type": "integer"},
        "updated_at": {"type": "string", "format": "date-time", "nullable": True, "example": "2026-11-30T09:15:00+00:00"},
    },
})
spec.describe("/toolkit", "get", {
    "summary": "Search the practitioner toolkit",
    "description": "Full-text search with stemming and phrases (put words in quotes), filters that combine "
                   "(values of one filter are ORed, filters are ANDed), facet counts and a 'did you mean' suggestion. "
                   "Any text is accepted: if nothing can be searched for, every entry is returned with a message.",
    "parameters": [spec.query_param("q", "Words to search for", maxLength=10000)]
    + [{"name": f, "in": "query", "required": False, "description": f"Filter: {_FACET_HELP[f]}. Repeat for more than one.",
        "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True} for f in FACETS]
    + [spec.query_param("page", "Page number, from 1", "integer", minimum=1),
       spec.query_param("per_page", "Results per page (1 to 50, default 20)", "integer", minimum=1, maximum=50)],
    "responses": {"200": {"description": "Results, facets and a suggestion",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ToolkitSearch"}}}},
                  "503": {"description": "The search index cannot be read just now"}},
})
spec.describe("/toolkit/{slug}", "get", {
    "summary": "One toolkit entry, with its content as cleaned HTML",
    "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}, "example": "focus-group"}],
    "responses": {"200": {"description": "The entry", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ToolkitEntry"}}}},
                  "404": {"description": "No entry has that name"}},
})


@api_bp.after_request
def _open_to_all(response):
    # Open data: partner websites may call these from the browser.
    if request.endpoint in ("toolkit_api.search", "toolkit_api.entry"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _result(r: services.SearchResult) -> dict:
    return {
        "slug": r.slug, "title": r.title, "kind": r.kind, "summary": r.summary,
        "url": url_for("toolkit.entry", slug=r.slug, _external=True),
        "api_url": url_for("toolkit_api.entry", slug=r.slug, _external=True),
        "purpose": r.purpose, "audiences": r.audiences, "group_size": r.group_size, "time_needed": r.time_needed,
        "cost": r.cost, "snippet_html": str(r.snippet) if r.snippet else None,
    }


@api_bp.route("/toolkit")
def search():
    args = Query()
    params = services.read_params(args)
    per_page = min(max(args.number("per_page", 0, 10**9, default=20), 1), 50)
    try:
        results = services.run_search(backend(), params, pagelen=per_page)
    except Exception:  # the index cannot be read: say so in words, never a bare 500
        current_app.logger.exception("Toolkit API search failed")
        return error_response(503, "Search is not working at the moment. Try again in a few minutes.")
    return jsonify({
        "query": params.q, "total": results.total, "capped": results.capped, "page": results.page, "pages": results.pages,
        "filters": params.filters, "results": [_result(r) for r in results.results],
        "facets": results.facets, "suggestion": results.suggestion, "message": results.message,
    })


@api_bp.route("/toolkit/<slug>")
def entry(slug):
    item = services.get_entry(slug)
    related = {e.slug: e for e in db.session.scalars(db.select(ToolkitEntry).where(ToolkitEntry.slug.in_(item.related or [])))}
    return jsonify({
        "slug": item.slug, "kind": item.kind, "title": item.title, "summary": item.summary,
        "url": url_for("toolkit.entry", slug=item.slug, _external=True),
        "purpose": item.purpose or [], "audiences": item.audiences or [], "group_size": item.group_size,
        "time_needed": item.time_needed, "cost": item.cost, "skills": item.skills or [],
        "accessibility": item.accessibility or "", "keywords": item.keywords or [],
        "related": [{"slug": s, "title": related[s].title, "url": url_for("toolkit.entry", slug=s, _external=True)}
                    for s in item.related or [] if s in related],
        "markdown": item.body, "html": str(render_markdown(item.body)),
        "revision": item.revision_number, "updated_at": rfc3339(item.updated_at),
    })
