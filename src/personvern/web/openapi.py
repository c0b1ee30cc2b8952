"""The OpenAPI document says what the API sends (issue 18).

FastAPI's generated document knows neither the bearer tokens (auth is a dependency that reads the header)
nor the error body the app sends (``{"error": message, "field": field}`` from ``web.app``'s one error
handler, for every 4xx, not FastAPI's ``{"detail": [...]}``). :func:`install_openapi` rewrites it once:

- a ``bearer`` security scheme, required by every /api operation except those declared ``auth.public``;
- the ``Error`` schema, and per operation the statuses the error handler can answer: 400 (a refused domain
  action), 401 and 403 (authenticated routes), 404, 409 (the data's state forbids it: consent, restriction,
  a shredded key), 413 (the body cap), 422 (invalid input) and 429 (too many failed tokens).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

__all__ = ["ERROR_SCHEMA", "install_openapi"]

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "what is wrong, for a person to read"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}],
                  "description": "the input field at fault, when one is"},
    },
    "required": ["error", "field"],
    "additionalProperties": False,
}
_REASONS = {
    "400": "The action was refused (the reason is in 'error')",
    "401": "No valid bearer token",
    "403": "The token's role may not do this",
    "404": "Not found",
    "409": "The data's state forbids it (consent, restriction, erased key)",
    "413": "The request body is larger than the cap",
    "422": "Invalid input (the field is in 'field')",
    "429": "Too many failed attempts from this address; see Retry-After",
}
_ALWAYS = ("400", "404", "409", "413", "422", "429")
_AUTH = ("401", "403")


def _public_operations(app: FastAPI) -> set[tuple[str, str]]:
    """(path, method) of /api routes declared open with ``auth.public``."""
    found = set()
    for route in app.routes:
        if isinstance(route, APIRoute) and any(hasattr(d.call, "public") for d in route.dependant.dependencies):
            found |= {(route.path_format, m.lower()) for m in route.methods or ()}
    return found


def _document(app: FastAPI) -> dict[str, Any]:
    doc = get_openapi(title=app.title, version=app.version, routes=app.routes, tags=app.openapi_tags)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = ERROR_SCHEMA
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    public = _public_operations(app)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            is_public = (path, method) in public
            op["security"] = [] if is_public else [{"bearer": []}]
            responses = op.setdefault("responses", {})
            for code in _ALWAYS + (() if is_public else _AUTH):
                responses[code] = {"description": _REASONS[code], "content": error}
    return doc


def install_openapi(app: FastAPI) -> None:
    """Serve the rewritten document at the app's ``openapi_url`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
