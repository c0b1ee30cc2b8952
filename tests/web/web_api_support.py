"""Shared by the API tests (imported as a module, not a conftest): an app on a register, a token per staff
role, a portal session for a subject, and a client that says which of them it is calling as."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from fastapi import FastAPI

from personvern.register import Register
from personvern.web import auth
from personvern.web.app import WebConfig, create_app

with warnings.catch_warnings():  # starlette asks for the httpx2 package; httpx works the same for tests
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

STAFF_ROLES = ("agent", "privacy_officer", "admin")
# argon2id with cheap parameters: what is tested is the flow, not the cost (production keeps the defaults)
auth.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
PASSWORD = "correct horse battery staple"


@dataclass
class Api:
    """A TestClient and the credentials of each role: ``api.as_("agent").get(...)``."""

    reg: Register
    app: FastAPI
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    subject: str = ""
    portal_cookie: str = ""
    portal_csrf: str = ""

    def headers(self, role: str | None) -> dict[str, str]:
        if role is None or role == "subject":
            return {}
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def call(self, method: str, url: str, role: str | None, **kw: Any) -> Any:
        """One request as ``role`` (None: anonymous; 'subject': the portal session with its CSRF token)."""
        headers = {**self.headers(role), **kw.pop("headers", {})}
        self.client.cookies.clear()
        if role == "subject":
            headers.setdefault(auth.CSRF_HEADER, self.portal_csrf)
            self.client.cookies.set(auth.COOKIE, self.portal_cookie)
        return self.client.request(method, url, headers=headers, **kw)


def make_api(reg: Register) -> Api:
    app = create_app(reg, WebConfig(secure_cookies=False, base_url="http://testserver"))
    api = Api(reg, app, TestClient(app, raise_server_exceptions=False))
    for role in STAFF_ROLES:
        api.tokens[role] = auth.create_token(reg, f"test-{role}", role, by="test")
    api.subject = reg.add_subject("customer", {"email": "kari.nordmann@example.no", "phone": "+47 975 27 747"})
    api.portal_cookie, api.portal_csrf = auth.open_session(reg, "portal",
                                                           subject_id=auth.subject_id_of(reg, api.subject))
    return api
