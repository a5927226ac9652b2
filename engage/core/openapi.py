"""The OpenAPI document: each capability describes its API routes here as it registers them."""
from __future__ import annotations

_PATHS: dict[str, dict] = {}
_SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "status": {"type": "integer"},
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                },
            }
        },
    }
}


def describe(path: str, method: str, operation: dict) -> None:
    """Add one operation, e.g. describe("/toolkit", "get", {...}). Paths are under /api/v1."""
    operation.setdefault("responses", {})
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    operation["responses"].setdefault("default", {"description": "An error, in words a person understands", "content": error})
    for status, response in operation["responses"].items():
        # Every error answer is the JSON error object unless the operation says otherwise.
        if status[:1] in ("4", "5") and "content" not in response:
            response["content"] = error
    _PATHS.setdefault(path, {})[method.lower()] = operation


def schema(name: str, definition: dict) -> None:
    _SCHEMAS[name] = definition


def query_param(name: str, description: str, type_: str = "string", **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": type_, **extra}}


def document(site_name: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{site_name} API",
            "version": "1.0.0",
            "description": "Open data from the consultation database and the practitioner toolkit. "
            "Everything here is public; private and partner-only records never appear.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(_PATHS.items())),
        "components": {"schemas": dict(_SCHEMAS)},
    }
