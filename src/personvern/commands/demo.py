"""``personvern demo``: a working system in one command — a seed company, synthetic customers, the web app."""

from __future__ import annotations

import os
import threading
import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from personvern.commands._common import ensure_master_key, fail, say
from personvern.errors import PersonvernError

if TYPE_CHECKING:
    from personvern.demo import DemoResult

# personvern.demo.COMPANIES, spelled out so that `--help` loads no database code (tests/cli keeps them equal).
COMPANIES = ("tek-zence", "sensornordic", "tp-ecommerce", "kl-miljovarme", "pilaro")
Company = Enum("Company", {c.replace("-", "_"): c for c in COMPANIES}, type=str)  # type: ignore[misc]
app = typer.Typer(help="A demo register with synthetic customers, served with the console and the portal.")


def demo_dir() -> Path:
    """Where the demo databases live: $PERSONVERN_DEMO_DIR, else $XDG_DATA_HOME/personvern/demo, else
    ~/.local/share/personvern/demo. One database per company, reused by every run."""
    if os.environ.get("PERSONVERN_DEMO_DIR"):
        return Path(os.environ["PERSONVERN_DEMO_DIR"])
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "personvern" / "demo"


def _files(path: Path) -> list[Path]:
    """The database and what SQLite and the master key put beside it."""
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal", ".key"))]


@app.callback(invoke_without_command=True)
def demo(
    company: Annotated[Company, typer.Option(help="the seed company whose policy is loaded")] = (
        Company.tek_zence),  # type: ignore[attr-defined]
    db: Annotated[Path | None, typer.Option(help="SQLite file (default: <demo dir>/<company>.db, see below); "
                                                 "reused when it exists")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="delete the demo database and its key, build it anew")]
    = False,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="start the web server (default) or only "
                                        "build the database")] = True,
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(help="interface to listen on (the demo has known passwords: keep it local)")]
    = "127.0.0.1",
    customers: Annotated[int, typer.Option(min=1, max=100_000, help="customers in a new database")] = 200,
) -> None:
    """Build (once) and serve a demo database: the console, the portal "Mine sider" and the privacy notice.

    The database is kept in $PERSONVERN_DEMO_DIR, else $XDG_DATA_HOME/personvern/demo, else
    ~/.local/share/personvern/demo, one per company with its master key beside it; later runs reuse it.
    """
    from personvern.demo import DemoResult

    name = str(company.value)
    path = db or demo_dir() / f"{name}.db"
    if fresh:
        for stale in _files(path):
            stale.unlink(missing_ok=True)
    if path.exists():
        result = DemoResult(f"sqlite:///{path}", name, 0, staff=_staff())
        say(f"using the demo database {path} ({name}); --fresh builds it anew")
    else:
        result = _build(name, path, customers)
    if not serve:
        return
    _print_welcome(result, f"http://{host}:{port}")
    _serve(result, name, host, port)


def _staff() -> list[tuple[str, str, str]]:
    from personvern.demo import STAFF

    return [(username, password, role) for username, password, role, _name in STAFF]


def _build(name: str, path: Path, customers: int) -> DemoResult:
    """A new demo database, or nothing at all: a failed build leaves no database and no key behind."""
    from personvern.demo import build_demo, policy_path

    url = f"sqlite:///{path}"
    started = time.perf_counter()
    try:
        policy_path(name)  # refused before anything is written
        path.parent.mkdir(parents=True, exist_ok=True)
        ensure_master_key(url)
        result = build_demo(name, url, customers=customers)
    except (PersonvernError, OSError) as exc:
        for partial in _files(path):
            partial.unlink(missing_ok=True)
        fail(str(exc))
    except BaseException:
        for partial in _files(path):
            partial.unlink(missing_ok=True)
        raise
    say(f"built the demo database {path} for {name}: {result.customers} customers, {result.requests} open "
        f"requests in {time.perf_counter() - started:.1f} s; the next run reuses it (--fresh builds it anew)")
    return result


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
    from personvern.demo import policy_path
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
