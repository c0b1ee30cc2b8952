"""``personvern demo``: a working system in one command — a seed company, synthetic customers, the web app."""

from __future__ import annotations

import threading
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from personvern.commands._common import ensure_master_key, fail, say
from personvern.demo import COMPANIES, DemoResult, build_demo, policy_path
from personvern.errors import PersonvernError

Company = Enum("Company", {c.replace("-", "_"): c for c in COMPANIES}, type=str)  # type: ignore[misc]
app = typer.Typer(help="A demo register with synthetic customers, served with the console and the portal.")


@app.callback(invoke_without_command=True)
def demo(
    company: Annotated[Company, typer.Option(help="the seed company whose policy is loaded")] = (
        Company.tek_zence),  # type: ignore[attr-defined]
    db: Annotated[Path | None, typer.Option(help="SQLite file to create (default: a fresh personvern-demo-*.db)")]
    = None,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="start the web server (default) or only "
                                        "build the database")] = True,
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(help="interface to listen on (the demo has known passwords: keep it local)")]
    = "127.0.0.1",
    customers: Annotated[int, typer.Option(min=1, max=100_000)] = 200,
) -> None:
    """Build a demo database and serve the console, the portal "Mine sider" and the privacy notice."""
    name = str(company.value)
    path = db or Path(f"personvern-demo-{name}-{time.strftime('%Y%m%d-%H%M%S')}.db")
    if path.exists():
        fail(f"{path} exists; the demo builds a new database (remove it or pass another --db)")
    url = f"sqlite:///{path}"
    started = time.perf_counter()
    try:
        ensure_master_key(url)
        result = build_demo(name, url, customers=customers)
    except PersonvernError as exc:
        fail(str(exc))
    say(f"built {path} for {name}: {result.customers} customers, {result.requests} open requests "
        f"in {time.perf_counter() - started:.1f} s")
    if not serve:
        return
    _print_welcome(result, f"http://{host}:{port}")
    _serve(result, name, host, port)


def _print_welcome(result: DemoResult, base: str) -> None:
    say("")
    say(f"  Console        {base}/console        (staff: look up a caller, handle requests)")
    say(f"  Mine sider     {base}/mine-sider     (the customer's own page; log in with {result.demo_email})")
    say(f"  Notice         {base}/personvern")
    say(f"  Mailbox        {base}/mailbox        (demo: every e-mail the system sends, incl. login links)")
    say("")
    for username, password, role in result.staff:
        say(f"  {role:<16} user {username:<16} password {password}")
    say(f"  try: log in as agent and type {result.demo_phone} (any format) in the lookup")
    say("")


def _serve(result: DemoResult, company: str, host: str, port: int) -> None:
    from personvern.commands.web import run_uvicorn
    from personvern.register import Register
    from personvern.web.app import WebConfig, create_app

    base = f"http://{host}:{port}"
    reg = Register.open(policy_path(company), result.db_url)
    stop = threading.Event()
    worker = _start_worker(reg, stop)
    try:
        # uvicorn's log lines through the personal-data redaction filter, log_config=None (Art. 32)
        run_uvicorn(create_app(reg, WebConfig(base_url=base, demo=True, secure_cookies=False)),
                    host=host, port=port, log_level="warning")
    finally:
        stop.set()
        worker.join(timeout=5)
        reg.close()


def _start_worker(reg: Any, stop: threading.Event) -> threading.Thread:
    """The outbox worker and the nightly jobs in a background thread. E-mail goes to the CaptureMailer: it
    is marked delivered and shown at /mailbox, and nothing leaves the machine."""
    from personvern.worker import CaptureMailer, Jobs, Worker

    worker = Worker(reg, CaptureMailer(), jobs=Jobs(reg))
    thread = threading.Thread(target=worker.run_forever, args=(stop,), kwargs={"interval": 2.0},
                              name="personvern-worker", daemon=True)
    thread.start()
    return thread
