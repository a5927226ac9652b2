from flask import current_app, jsonify
from sqlalchemy import text

from ..core import openapi as spec
from ..extensions import db
from ..search import backend
from . import bp

spec.schema("Health", {
    "type": "object",
    "required": ["status", "database", "index"],
    "properties": {"status": {"type": "string", "enum": ["ok", "error"]},
                   "database": {"type": "string", "description": "ok, or what is wrong"},
                   "index": {"type": "string", "description": "ok, or what is wrong with search"}},
})
spec.describe("/health", "get", {
    "summary": "Is the service working?",
    "responses": {
        "200": {"description": "Everything works", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Health"}, "example": {"status": "ok", "database": "ok", "index": "ok"}}}},
        "503": {"description": "A part is down; it is named", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Health"},
            "example": {"status": "error", "database": "ok", "index": "error: the search index folder cannot be read"}}}},
    },
})
spec.describe("/openapi.json", "get", {"summary": "This document", "responses": {"200": {"description": "The OpenAPI document", "content": {
    "application/json": {"schema": {"type": "object", "required": ["openapi", "info", "paths"],
                                    "properties": {"openapi": {"type": "string"}, "info": {"type": "object"},
                                                   "paths": {"type": "object"}, "components": {"type": "object"}}}}}}}})


@bp.route("/health")
def health():
    result = {"status": "ok", "database": "ok", "index": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # the database is down: say so, never crash
        db.session.rollback()
        current_app.logger.warning("Health check: database failed: %s", error)
        result["database"] = "error: the database cannot be reached"
    problem = backend().health()
    if problem:
        result["index"] = f"error: {problem}"
    if result["database"] != "ok" or result["index"] != "ok":
        result["status"] = "error"
        return jsonify(result), 503
    return jsonify(result)


@bp.route("/openapi.json")
def openapi():
    return jsonify(spec.document(current_app.config["ENGAGE_SITE_NAME"]))
