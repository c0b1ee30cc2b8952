"""``personvern serve`` logs through the personal-data redaction filter, uvicorn's access log included (Art. 32).

uvicorn's access log carries request paths and query strings; a lookup URL can hold an e-mail address or a
phone number. ``serve`` routes uvicorn's loggers to ``personvern.logs`` and starts uvicorn with
``log_config=None``, so uvicorn installs no handler of its own that would bypass the filter.
"""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from personvern.cli import app as cli

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml"


async def tiny_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def clean_logging() -> Iterator[None]:
    """``configure_logging`` changes the process's root logger: put it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_uvicorn_without_its_own_log_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         clean_logging: None) -> None:
    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kw: Any) -> None:
        seen.update(kw, redacting=[h for h in logging.getLogger().handlers if getattr(h, "_personvern", False)])

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.delenv("PERSONVERN_MASTER_KEY", raising=False)
    res = CliRunner().invoke(cli, ["serve", "--policy", str(POLICY), "--db", f"sqlite:///{tmp_path / 'p.db'}",
                                   "--no-worker"])
    assert res.exit_code == 0, res.output
    assert seen["log_config"] is None and seen["log_level"] == "info"
    assert len(seen["redacting"]) == 1  # while it serves, every record goes through the redacting handler
    assert seen["redacting"][0] not in logging.getLogger().handlers  # and not after: its stream may be closed


def _serve_once(app: Any, url_path: str, **kw: Any) -> None:
    """What uvicorn.run does with these arguments, for one request: a real server on a free port."""
    server = uvicorn.Server(uvicorn.Config(app, **kw))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(250):
            if server.started:
                break
            time.sleep(0.02)
        assert httpx.get(f"http://{kw['host']}:{kw['port']}{url_path}").status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_an_access_log_line_with_an_e_mail_in_the_url_is_redacted(monkeypatch: pytest.MonkeyPatch,
                                                                   clean_logging: None) -> None:
    from personvern.commands.web import run_uvicorn

    stream = io.StringIO()
    path = "/api/lookup/kari.nordmann@example.no?phone=%2B47+975+27+747"
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: _serve_once(app, path, **kw))
    run_uvicorn(tiny_app, host="127.0.0.1", port=_free_port(), log_level="info", stream=stream)
    logged = stream.getvalue()
    access = [line for line in logged.splitlines() if '"uvicorn.access"' in line]
    assert access, logged
    assert "/api/lookup/[e-mail]" in access[0] and "[phone]" in access[0]
    # the number's digits as written (a bare "975" also turns up in the timestamps' microseconds)
    assert "kari.nordmann" not in logged and "975+27" not in logged and "975 27" not in logged
