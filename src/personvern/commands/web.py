"""``personvern serve`` (the web app with the worker beside it), ``personvern users add`` (staff logins) and
``personvern tokens create|list|revoke`` (API tokens). A thin shell over ``personvern.web.auth`` (STYLE.md
habit 5)."""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import IO, Annotated, Any

import typer

from personvern.commands._common import DbOpt, PolicyOpt, err, register, say

serve_app = typer.Typer(help="Serve the REST API, the staff console and the portal.")
users_app = typer.Typer(help="Staff users of the console (argon2id password hashes).", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens (shown once; only a SHA-256 is stored).", no_args_is_help=True)

RoleOpt = Annotated[str, typer.Option("--role", help="agent, privacy_officer or admin")]


@serve_app.callback(invoke_without_command=True)
def serve(policy: PolicyOpt, db: DbOpt = None,
          host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
          base_url: Annotated[str | None, typer.Option(help="public URL (default http://HOST:PORT)")] = None,
          insecure_cookies: Annotated[bool, typer.Option(
              help="cookies without Secure: only for plain http on localhost")] = False,
          worker: Annotated[bool, typer.Option("--worker/--no-worker",
                                               help="deliver the outbox and run nightly jobs in the background")]
          = True,
          log_level: Annotated[str, typer.Option(help="debug, info (the access log), warning or error")] = "info",
          ) -> None:
    """Run the web app against a configured database and policy (uvicorn), with the worker beside it.
    Logs are JSON lines on stderr with personal data redacted, uvicorn's access log included (Art. 32)."""
    from personvern.web.app import WebConfig, create_app

    base = base_url or f"http://{host}:{port}"
    secure = not insecure_cookies and not (base.startswith("http://") and host in ("127.0.0.1", "localhost"))
    if not secure and not insecure_cookies:
        err.print("note: plain http on localhost: cookies are sent without Secure", markup=False, highlight=False)
    with register(policy, db, actor="server", role="system", create_key=True) as reg:
        stop = threading.Event()
        thread = _start_worker(reg, stop) if worker else None
        say(f"personvern on {base}  (console {base}/console, portal {base}/mine-sider, API {base}/api/docs)")
        try:
            run_uvicorn(create_app(reg, WebConfig(base_url=base, secure_cookies=secure)), host=host, port=port,
                        log_level=log_level)
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=10)


def run_uvicorn(app: Any, *, host: str, port: int, log_level: str = "info", stream: IO[str] | None = None) -> None:
    """Serve ``app`` with uvicorn, every log line through personvern's redaction filter (``personvern.logs``):
    ``configure_logging`` routes uvicorn's loggers to one redacting handler and ``log_config=None`` keeps
    uvicorn from installing its own, so an access-log line for ``/x?email=kari@example.no`` shows ``[e-mail]``
    (Art. 5(1)(f), Art. 32)."""
    import uvicorn

    if log_level.lower() not in ("critical", "error", "warning", "info", "debug", "trace"):
        raise typer.BadParameter(f"unknown log level '{log_level}'", param_hint="--log-level")
    root = logging.getLogger()
    level = root.level
    from personvern.logs import configure_logging

    handler = configure_logging(log_level.upper() if log_level.lower() != "trace" else "DEBUG", stream=stream)
    try:
        uvicorn.run(app, host=host, port=port, log_config=None, log_level=log_level.lower(), server_header=False)
    finally:  # for as long as it serves: a caller (a test's CliRunner) may close the stream afterwards
        root.removeHandler(handler)
        root.setLevel(level)


def _start_worker(reg: object, stop: threading.Event) -> threading.Thread | None:
    """``personvern.worker.Worker.run_forever`` in a daemon thread; e-mail needs PERSONVERN_SMTP_URL."""
    try:
        from personvern.worker import Jobs, SmtpMailer, Worker
    except ImportError:  # pragma: no cover - an installation without the worker
        return None
    mailer = SmtpMailer.from_env()
    if mailer is None:
        err.print("warning: PERSONVERN_SMTP_URL is not set: e-mail stays pending in the outbox",
                  markup=False, highlight=False)
    w = Worker(reg, mailer, jobs=Jobs(reg))  # type: ignore[arg-type]
    thread = threading.Thread(target=w.run_forever, args=(stop,), name="personvern-worker", daemon=True)
    thread.start()
    return thread


@users_app.command("add")
def add_user(username: str, policy: PolicyOpt, role: RoleOpt, db: DbOpt = None,
             display_name: Annotated[str | None, typer.Option(help="name shown in the console")] = None,
             password_stdin: Annotated[bool, typer.Option(help="read the password from standard input")] = False,
             ) -> None:
    """Add a staff user; the password is asked for (twice) unless --password-stdin."""
    from personvern.web.auth import create_staff_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with register(policy, db, actor=os.environ.get("USER", "cli"), role="admin", create_key=True) as reg:
        uid = create_staff_user(reg, username, password, role, display_name)
    say(f"staff user {username} ({role}) created, id {uid}")


@users_app.command("unlock")
def unlock_user(policy: PolicyOpt, username: Annotated[str | None, typer.Argument(help="the staff account")] = None,
                db: DbOpt = None,
                address: Annotated[str | None, typer.Option(help="a client address locked out")] = None) -> None:
    """Lift the lockout after failed logins of an account (and/or a client address) at once; audited."""
    from personvern.web.lockout import unlock

    with register(policy, db, actor=os.environ.get("USER", "cli"), role="admin", create_key=True) as reg:
        lifted = unlock(reg, username=username, address=address)
    say(f"lifted {lifted} failure counter(s)" if lifted else "nothing was locked")


@tokens_app.command("create")
def create_token(name: str, policy: PolicyOpt, role: RoleOpt, db: DbOpt = None) -> None:
    """Create an API token and print it once: store it now, it cannot be shown again."""
    from personvern.web.auth import create_token as create

    by = os.environ.get("USER", "cli")
    with register(policy, db, actor=by, role="admin", create_key=True) as reg:
        token = create(reg, name, role, by=by)
    err.print(f"token '{name}' ({role}); shown only now:", markup=False, highlight=False)
    say(token)


@tokens_app.command("list")
def list_tokens(policy: PolicyOpt, db: DbOpt = None) -> None:
    """Every token's id, name, role and state (never the token)."""
    from personvern.web.auth import list_tokens as listed

    with register(policy, db, role="admin") as reg:
        for t in listed(reg):
            state = "revoked" if t["revoked_at"] else "active"
            say(f"{t['id']}\t{t['name']}\t{t['role']}\t{state}\t"
                f"created {t['created_at']:%Y-%m-%d} by {t['created_by']}")


@tokens_app.command("revoke")
def revoke(token_id: int, policy: PolicyOpt, db: DbOpt = None) -> None:
    """Revoke a token by its id (from ``tokens list``)."""
    from personvern.web.auth import revoke_token

    by = os.environ.get("USER", "cli")
    with register(policy, db, actor=by, role="admin") as reg:
        revoke_token(reg, token_id, by=by)
    say(f"token {token_id} revoked")


__all__ = ["run_uvicorn", "serve_app", "tokens_app", "users_app"]
