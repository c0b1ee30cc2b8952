"""Real local servers for delivery tests: an HTTP receiver (http.server in a thread) and SMTP (aiosmtpd)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from personvern.register import MasterKey, Register

ROOT = Path(__file__).resolve().parent.parent.parent
POLICIES = ROOT / "examples" / "policies"


@dataclass
class Receiver:
    """Records every POST; answers with the scripted statuses in order, then ``default``."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    default: int = 200
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> list[str]:
        with self.lock:
            return [r["headers"]["idempotency-key"] for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if state.delay:
                time.sleep(state.delay)
            with state.lock:
                status = state.statuses.pop(0) if state.statuses else state.default
                state.requests.append({"path": self.path, "body": body, "status": status,
                                       "headers": {k.lower(): v for k, v in self.headers.items()}})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Smtp:
    host: str
    port: int
    messages: list[dict[str, Any]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    handler = Smtp("127.0.0.1", free_port())
    controller = Controller(handler, hostname=handler.host, port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def custom_policy(tmp_path: Path) -> Callable[..., Path]:
    """A copy of an example policy with lines added under recipients: ``{"payment_processors": ["webhook: …"]}``."""

    def _make(company: str, extra: dict[str, list[str]]) -> Path:
        lines = (POLICIES / f"{company}.yaml").read_text(encoding="utf-8").splitlines()
        out = []
        for line in lines:
            out.append(line)
            key = line.strip().removeprefix("- key:").split("#")[0].strip()
            if line.startswith("  - key: ") and key in extra:
                out.extend(f"    {x}" for x in extra[key])
        path = tmp_path / f"{company}-custom.yaml"
        text = "\n".join(out) + "\n"  # a mapping file the policy references stays where it is (issue 16)
        path.write_text(text.replace("../datastores/", f"{POLICIES.parent / 'datastores'}/"), encoding="utf-8")
        return path

    return _make


@pytest.fixture
def open_custom(custom_policy: Callable[..., Path], db_url: str, clock: Any) -> Iterator[Callable[..., Register]]:
    """Open a register on the test database with a customised copy of an example policy."""
    opened: list[Register] = []

    def _open(company: str, extra: dict[str, list[str]]) -> Register:
        reg = Register.open(custom_policy(company, extra), db_url, master_key=MasterKey(bytes(range(32))),
                            clock=clock)
        opened.append(reg)
        return reg

    yield _open
    for reg in opened:
        reg.close()
