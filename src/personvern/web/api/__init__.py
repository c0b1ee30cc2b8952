"""The REST API under /api: one router per area, each route declaring its roles (``_common.acting``).

OpenAPI is served at /api/openapi.json and the Swagger UI at /api/docs. Errors are JSON
``{"error": message, "field": field}`` with the status of ``personvern.web.app.status_of``.
"""

from fastapi import APIRouter

from personvern.web.api import (
    admin,
    audit,
    consent,
    datastores,
    outbox,
    policy,
    requests,
    retention,
    service,
    subjects,
)

router = APIRouter()
for _area in (subjects, retention, requests, consent, service, outbox, audit, policy, admin, datastores):
    router.include_router(_area.router)
