"""``personvern requests``: data-subject requests by deadline, and each step of one (Art. 12-21, issue 5).

A thin shell over ``personvern.rights.requests`` and ``personvern.rights.handle``: parse, call, print.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from personvern.commands._common import DbOpt, fail, out, register, say
from personvern.commands._erasure import show_preview

if TYPE_CHECKING:
    from personvern.rights import requests as rq

# The library's choices, spelled out so that `--help` loads no database code (tests/cli keeps them equal).
KINDS = ("access", "rectification", "erasure", "restriction", "objection", "portability")
CHANNELS = ("portal", "email", "letter", "phone", "api", "staff")
METHODS = ("email_code", "email_link", "id_document", "portal_session")
RESTRICTION_GROUNDS = ("accuracy", "unlawful", "legal_claims", "objection")
# The group's --policy is optional so that every sub-command's --help works without one; a sub-command that
# opens the register says it is missing.
OptionalPolicy = Annotated[Path | None, typer.Option("--policy", help="policy file (YAML)",
                                                      envvar="PERSONVERN_POLICY")]

app = typer.Typer(help="Data-subject requests: deadlines (Art. 12(3)), verification, answers.",
                  invoke_without_command=True, no_args_is_help=False)

ByOpt = Annotated[str, typer.Option("--by", help="who does this (staff username)")]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _json(views: list[rq.RequestView]) -> str:
    return json.dumps([{k: _plain(v) for k, v in asdict(x).items()} for x in views], ensure_ascii=False, indent=2)


@app.callback()
def list_(ctx: typer.Context, policy: OptionalPolicy = None, db: DbOpt = None,
          overdue: Annotated[bool, typer.Option("--overdue", help="only open requests past their deadline")] = False,
          status: Annotated[str | None, typer.Option(help="received, verified, in_progress, completed, refused, "
                                                          "or open")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False) -> None:
    """List requests by deadline, with the days left (overdue in red)."""
    ctx.obj = (policy, db)
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        views = rq.list_requests(reg, status=status, overdue=overdue)
    if as_json:
        say(_json(views))
        return
    table = Table(title=f"requests{' (overdue)' if overdue else ''}: {len(views)}")
    table.add_column("ref", overflow="fold")  # a uuid folds; the rest must stay whole on a narrow terminal
    for col, width in (("kind", 13), ("status", 11), ("received", 10), ("deadline", 10), ("days left", 4),
                       ("verified", 9)):
        table.add_column(col, no_wrap=col != "verified", min_width=width, overflow="fold")
    for v in views:
        left = str(v.days_left) if v.open else "-"
        style = "red" if v.overdue else ("yellow" if v.open and v.days_left <= 7 else None)
        deadline = f"{v.effective_due}{' +' if v.extended_to else ''}"
        table.add_row(v.ref, v.kind, v.status, str(v.received_on), deadline, left, v.verification_method or "",
                      style=style)
    out.print(table)


def _opened(ctx: typer.Context) -> tuple[Path, str | None]:
    policy, db = ctx.obj
    if policy is None:
        fail("Missing option '--policy' (or $PERSONVERN_POLICY): the policy file (YAML)")
    return policy, db


def _show(v: rq.RequestView) -> None:
    say(f"{v.ref}  {v.kind}  {v.status}  received {v.received_on}  deadline {v.effective_due}"
        + (f" (extended: {v.extension_reason})" if v.extended_to else "")
        + (f"  verified by {v.verified_by} ({v.verification_method})" if v.verified_at else ""))


@app.command("open")
def open_(ctx: typer.Context, kind: Annotated[str, typer.Argument(help=", ".join(KINDS))],
          subject: Annotated[str | None, typer.Option(help="the subject's reference")] = None,
          channel: Annotated[str, typer.Option(help=", ".join(CHANNELS))] = "letter") -> None:
    """Register a request the day it arrives."""
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        _show(rq.open_request(reg, kind, subject=subject, channel=channel))


@app.command()
def show(ctx: typer.Context, ref: str) -> None:
    """One request with its artifacts."""
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        _show(rq.get_request(reg, ref))
        for a in rq.artifacts(reg, ref):
            say(f"  {a.name}  {a.media_type}  {a.size} bytes")


@app.command()
def verify(ctx: typer.Context, ref: str, by: ByOpt,
           method: Annotated[str, typer.Option(help=", ".join(METHODS))] = "id_document",
           subject: Annotated[str | None, typer.Option(help="the subject, if the request names none")] = None,
           document: Annotated[Path | None, typer.Option(help="the copy of ID to keep with the request")] = None,
           ) -> None:
    """Record that the requester's identity was verified, by whom and how."""
    body = document.read_bytes() if document else None
    media = "application/pdf" if document is None or document.suffix.lower() == ".pdf" else "image/" + (
        document.suffix.lower().lstrip(".").replace("jpg", "jpeg"))
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        _show(rq.verify(reg, ref, method=method, by=by, subject=subject, document=body, media_type=media))


@app.command()
def extend(ctx: typer.Context, ref: str, by: ByOpt, reason: Annotated[str, typer.Option()]) -> None:
    """Extend the deadline to three months from receipt (Art. 12(3)); the subject is told why."""
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        v = rq.extend(reg, ref, reason=reason, by=by)
    _show(v)
    if v.extension_notified_at is None:
        say("the register has no e-mail address for the subject: tell them of the extension by letter")


@app.command()
def refuse(ctx: typer.Context, ref: str, by: ByOpt, reason: Annotated[str, typer.Option()]) -> None:
    """Refuse a request with the reason the subject is given (Art. 12(4))."""
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        _show(rq.refuse(reg, ref, reason=reason, by=by))


@app.command()
def complete(ctx: typer.Context, ref: str, by: ByOpt,
             ground: Annotated[str | None, typer.Option(help="erasure: Art. 17(1) a-f; restriction: "
                                                             + ", ".join(RESTRICTION_GROUNDS))] = None,
             reason: Annotated[str | None, typer.Option(help="restriction: why")] = None,
             purpose: Annotated[str | None, typer.Option(help="objection: the purpose objected to "
                                                              "(none: direct marketing)")] = None,
             age: Annotated[int | None, typer.Option(help="erasure ground f: age when data was collected")] = None,
             lang: Annotated[list[str] | None, typer.Option(help="access: nb and/or en")] = None,
             yes: Annotated[bool, typer.Option("--yes", help="erasure: carry it out (without: only the "
                                                             "preview)")] = False) -> None:
    """Carry out a verified request by its kind and complete it (rectification: use the Python API or web). An
    erasure first shows its preview — what is deleted, sealed, kept and why, who is told — and runs with
    ``--yes``."""
    from personvern.rights import handle, preview_erasure
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        v = rq.get_request(reg, ref)
        if v.kind == "erasure" and not yes:
            ground or fail("erasure needs --ground (Art. 17(1) a-f)")
            if v.status not in ("verified", "in_progress") or v.subject_ref is None:
                fail(f"request {ref} is {v.status}: only a verified request of a subject in the register is "
                     "carried out")
            show_preview(preview_erasure(reg, str(v.subject_ref)), "run again with --yes to erase and complete")
            return
        if v.kind == "access":
            v = handle.answer_access(reg, ref, by=by, langs=lang or ["nb"])  # type: ignore[arg-type]
        elif v.kind == "portability":
            v = handle.answer_portability(reg, ref, by=by)
        elif v.kind == "erasure":
            v = handle.erase(reg, ref, ground=ground or fail("erasure needs --ground (Art. 17(1) a-f)"), by=by,
                             age_at_collection=age)
        elif v.kind == "restriction":
            v = handle.restrict(reg, ref, ground=ground or fail("restriction needs --ground"),
                                reason=reason or fail("restriction needs --reason"), by=by)
        elif v.kind == "objection":
            v = handle.object_to(reg, ref, purpose=purpose, by=by)
        else:
            v = rq.complete(reg, ref, by=by)
    _show(v)


@app.command()
def artifact(ctx: typer.Context, ref: str, name: str,
             output: Annotated[Path, typer.Option("--output", "-o", help="file to write")]) -> None:
    """Write one of a request's artifacts (register copy, erasure explanation ...) to a file."""
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        _media, body = rq.artifact(reg, ref, name)
    output.write_bytes(body)
    say(f"wrote {output} ({len(body)} bytes)")


@app.command()
def sweep(ctx: typer.Context, as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None) -> None:
    """Delete closed requests whose retention under the policy's rights purpose has ended."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of: '{as_of}' is not a date (YYYY-MM-DD)")
    from personvern.rights import requests as rq

    with register(*_opened(ctx)) as reg:
        say(f"deleted {rq.sweep_requests(reg, day)} requests")
