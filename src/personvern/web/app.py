"""The web application: REST API under /api, staff console under /console, the subject's portal under
/mine-sider, the public notice under /personvern, and (demo only) the captured mailbox under /mailbox.

``create_app(reg)`` is all a server or a test needs; every request acts through ``reg.acting(...)`` so
that the audit trail names the person behind it. The core packages never import from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from personvern.register import Register


@dataclass(frozen=True)
class WebConfig:
    base_url: str = "http://127.0.0.1:8000"
    demo: bool = False  # demo mode: outgoing e-mail is captured and shown at /mailbox
    secure_cookies: bool = True  # False only for plain-http localhost (demo, tests)
    default_lang: str = "nb"


def create_app(reg: Register, config: WebConfig | None = None) -> FastAPI:
    from personvern.web import api, console, mailbox, portal, public

    config = config or WebConfig()
    app = FastAPI(title="personvern", version="0.1", docs_url="/api/docs", openapi_url="/api/openapi.json",
                  redoc_url=None)
    app.state.register = reg
    app.state.config = config
    app.include_router(api.router, prefix="/api")
    app.include_router(console.router, prefix="/console")
    app.include_router(portal.router, prefix="/mine-sider")
    app.include_router(public.router)
    if config.demo:
        app.include_router(mailbox.router, prefix="/mailbox")
    return app
