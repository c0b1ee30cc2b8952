"""No personal data in logs or audit entries (issue 8; Art. 5(1)(f), Art. 32).

Real-looking personal data goes through the register, the CLI and every web route; the captured logs
(personvern's, uvicorn's, fastapi's, at DEBUG) and the audit trail must not show a fødselsnummer, an
e-mail address or a phone number. The redacting filter is tested on its own as the last line of defence.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from security_helpers import EMAIL, FNR, FNR_SPACED, NAME, PHONE, leaked
from typer.testing import CliRunner

from personvern.audit import entries
from personvern.cli import app
from personvern.logs import RedactPersonalData, configure_logging, redact
from personvern.register import Register
from personvern.rights import erase_subject

with warnings.catch_warnings():  # starlette asks for the httpx2 package; httpx works the same for tests
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
THIRD_PARTY = ("uvicorn", "httpx", "httpcore", "asyncio", "alembic")
LOGGERS = ("", "personvern", "uvicorn", "uvicorn.error", "uvicorn.access", "fastapi")


@pytest.mark.parametrize(("text", "shown"), [
    (f"ny kunde {EMAIL}", "ny kunde [e-mail]"),
    (f"ring {PHONE} eller 0047 97527747 eller 97527747.", "ring [phone] eller [phone] eller [phone]."),
    (f"fnr {FNR} / {FNR_SPACED}", "fnr [fødselsnummer] / [fødselsnummer]"),
    ("typo 15076500566", "typo [11-digit number]"),  # invalid check digits: still someone's number
    ("GET /find?q=kari.nordmann%40example.no&phone=%2B47+975+27+747 200",
     "GET /find?q=[e-mail]&phone=[phone] 200"),  # percent-encoded in an access log line
    ("GET /login?next=/s%3Fq%3Dkari%2540example.no%26p%3D%252B47%2B975%2B27%2B747",
     "GET /login?next=/s?q=[e-mail]&p=[phone]"),  # a redirect's next= is encoded twice
    ("subject 550e8400-e29b-41d4-a716-446655440000 record 1234567 at 2026-01-05T12:00:00.123456+00:00",
     "subject 550e8400-e29b-41d4-a716-446655440000 record 1234567 at 2026-01-05T12:00:00.123456+00:00"),
])
def test_redact_replaces_personal_values_and_leaves_ids_alone(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_configured_logging_writes_redacted_json_lines() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    handler = configure_logging("DEBUG", stream=stream)
    try:
        log = logging.getLogger("personvern.test")
        log.info("looked up %s", EMAIL, extra={"caller": PHONE})
        try:
            raise ValueError(f"bad national id {FNR}")
        except ValueError:
            log.exception("failed")
        logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /api/find?phone=%s HTTP/1.1" 200', "97527747")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        assert root.handlers == handlers
    lines = [json.loads(x) for x in stream.getvalue().splitlines()]
    assert [x["logger"] for x in lines] == ["personvern.test", "personvern.test", "uvicorn.access"]
    assert lines[0]["message"] == "looked up [e-mail]" and lines[0]["caller"] == "[phone]"
    assert "ValueError: bad national id [fødselsnummer]" in lines[1]["exception"]
    assert not leaked(stream.getvalue())


def test_the_filter_never_drops_a_record() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s and %d", (EMAIL, 3), None)
    assert RedactPersonalData().filter(record) and record.getMessage() == "[e-mail] and 3"


def _through_the_register(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": EMAIL, "phone": PHONE, "national_id": FNR}, purpose="membership")
    rid = reg.write(ref, "customer_service", ["user.contact.email", "user.name"],
                    {"user.contact.email": EMAIL, "user.name": NAME})
    reg.record_event("case.closed", date(2026, 1, 6), record=rid)
    reg.find("phone", "97527747", purpose="customer_service")
    reg.find("national_id", FNR_SPACED)
    reg.read(ref)
    reg.identifiers(ref, masked=False)
    for bad in [{"email": "kari.nordmann@@example.no"}, {"national_id": "15076500566"}, {"phone": "123"}]:
        with pytest.raises(Exception):  # noqa: B017 - any refusal; what matters is what it logs
            reg.add_subject("customer", bad, purpose="membership")
    erase_subject(reg, ref, ground="a", by="po")
    reg.sweep(date(2040, 1, 1))


def _through_the_cli(db_url: str, tmp_path: Path) -> None:
    policy = str(POLICIES / "tp-ecommerce.yaml")
    rows = [{"type": "subject", "id": "c1", "kind": "customer", "email": EMAIL, "phone": PHONE},
            {"type": "record", "subject": "c1", "purpose": "customer_service", "categories": ["user.name"],
             "payload": {"user.name": NAME}},
            {"type": "subject", "id": "c2", "kind": "customer", "national_id": FNR}]
    path = tmp_path / "import.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    runner = CliRunner()
    base = ["--policy", policy, "--db", db_url]
    for args in (["import", str(path), *base], ["erasures", "export", *base],
                 ["breach", *base, "--from", "2020-01-01", "--to", "2099-01-01", "--json"],
                 ["audit", "show", "--db", db_url]):
        runner.invoke(app, args)


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every (path, methods) of the app, through included routers."""
    found: list[tuple[str, set[str]]] = []
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's included router
            found += _routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif getattr(route, "methods", None) and getattr(route, "path", None):
            found.append((prefix + route.path, set(route.methods) - {"HEAD"}))
    return found


def _through_the_web(reg: Register) -> int:
    """Every route the web app has now, anonymous and as the privacy officer, with personal data in its path
    parameters (a real subject's ref where a ref is asked for), query, form or JSON body."""
    from personvern.web import auth
    from personvern.web.app import WebConfig, create_app

    web = create_app(reg, WebConfig(secure_cookies=False, base_url="http://testserver"))
    ref = reg.add_subject("customer", {"email": EMAIL, "phone": PHONE})
    token = auth.create_token(reg, "test-po", "privacy_officer", by="test")
    personal = {"email": EMAIL, "phone": PHONE, "national_id": FNR, "name": NAME, "q": EMAIL, "value": PHONE,
                "kind": "email", "identifiers": {"email": EMAIL, "phone": PHONE}}
    called = 0
    with TestClient(web, raise_server_exceptions=False) as client:
        for path, methods in _routes(web.routes):
            url = re.sub(r"\{ref\}", ref, path)
            url = re.sub(r"\{[^}]+\}", EMAIL, url)
            for method in sorted(methods):
                for headers in ({}, {"Authorization": f"Bearer {token}"}):
                    body = {"json": personal} if path.startswith("/api") else {"data": personal}
                    kw = {} if method == "GET" else body
                    client.request(method, url, params={"q": EMAIL, "phone": PHONE, "fnr": FNR},
                                   headers=headers, **kw)
                    called += 1
        client.get(f"/no-such-page/{EMAIL}", params={"fnr": FNR})
    return called


def test_personal_data_through_register_cli_and_web_never_reaches_logs_or_audit(
        open_register: Callable[[str], Register], db_url: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    reg = open_register("tp-ecommerce")
    _through_the_register(reg)
    _through_the_cli(db_url, tmp_path)
    routes = _through_the_web(reg.acting("anne", "agent"))
    assert caplog.records, "nothing was logged: the test would prove nothing"
    # personvern's own code (and fastapi) logs ids only: the raw records are clean ...
    ours = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if not r.name.startswith(THIRD_PARTY))
    assert not leaked(ours), ours[:2000]
    # ... third-party lines carry URLs (uvicorn's access log; httpx, the test client here): the filter that
    # configure_logging installs redacts them before they are written
    theirs = [r for r in caplog.records if r.name.startswith(THIRD_PARTY)]
    for record in theirs:
        RedactPersonalData().filter(record)
        assert not leaked(record.getMessage()), record.getMessage()
    with reg.engine.connect() as c:
        trail = json.dumps([e.as_dict() for e in entries(c, limit=None)])
    assert len(trail) > 1000 and not leaked(trail)
    assert routes > 100  # every route the web app has, twice: it grows while this is written
