"""The ``personvern`` command: a thin shell that parses, calls the library and prints.

Each command calls the same library function the API and the tests call; nothing here decides anything.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from personvern.commands._common import PolicyOpt, err, forget_new_key, out
from personvern.commands._common import ensure_master_key as _master_key
from personvern.commands._common import load as _load
from personvern.errors import PersonvernError, PolicyError

app = typer.Typer(
    name="personvern",
    help="Makes a privacy policy true: policy as code, an enforcing register, rights and consent.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help and usage errors: rendering them with rich costs ~60-90 ms a call (markdown-it, rich.markdown);
    # every --help must answer in under 0.3 s (bench/BENCHMARKS.md). Tables and progress bars still use rich.
    rich_markup_mode=None,
)

PolicyArg = Annotated[Path, typer.Argument(help="policy file (YAML)", exists=False)]


@app.command()
def check(
    policies: Annotated[list[Path], typer.Argument(help="policy files to validate")],
    strict: Annotated[bool, typer.Option(help="treat warnings as errors")] = False,
) -> None:
    """Validate policy files: exit 0 when valid, else one line per problem (file:line: field: message)."""
    from personvern.policy import load_policy

    failed = False
    for path in policies:
        try:
            loaded = load_policy(path, strict=strict)
        except PolicyError as exc:
            failed = True
            for problem in exc.problems:
                err.print(str(problem), markup=False, highlight=False)
            continue
        for warning in loaded.warnings:
            err.print(str(warning), markup=False, highlight=False)
        if loaded.datastores:
            from personvern.commands.datastore import check_live

            if not check_live(loaded):  # issue 16: each mapping against its live schema
                failed = True
                continue
        out.print(f"{path}: ok ({len(loaded.policy.purposes)} purposes)", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the policy file, for editors that complete and check YAML as it is typed."""
    from personvern.policy.schema import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")


class NoticeLang(StrEnum):
    nb = "nb"
    en = "en"


class NoticeFormat(StrEnum):
    md = "md"
    html = "html"


class CsvStyle(StrEnum):
    excel = "excel"  # UTF-8 with BOM, ';': what Excel with a Norwegian locale opens (spreadsheet.py)
    plain = "plain"  # RFC 4180: UTF-8, ','


CsvOption = Annotated[CsvStyle, typer.Option("--csv", help="CSV for Norwegian Excel (BOM, ';') or plain (',')")]


class RopaFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"
    html = "html"
    jsonld = "jsonld"


def _emit(text: str | bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))
    elif isinstance(text, bytes):
        output.write_bytes(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def notice(
    policy: PolicyArg,
    lang: Annotated[NoticeLang, typer.Option("--lang", help="language of the notice")] = NoticeLang.nb,
    fmt: Annotated[NoticeFormat, typer.Option("--format", help="md or html (standalone)")] = NoticeFormat.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to FILE, not stdout")] = None,
) -> None:
    """Generate the privacy notice (GDPR Art. 13 and 14) from the policy."""
    from personvern.notice import render_notice

    _emit(render_notice(_load(policy), lang.value, fmt.value), output)


@app.command()
def ropa(
    policy: PolicyArg,
    fmt: Annotated[RopaFormat, typer.Option("--format", help="csv xlsx json html jsonld")] = RopaFormat.xlsx,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="FILE (required for xlsx)")] = None,
    lang: Annotated[NoticeLang, typer.Option("--lang", help="language of headers and texts")] = NoticeLang.nb,
    csv_style: CsvOption = CsvStyle.excel,
) -> None:
    """Export the record of processing activities (GDPR Art. 30); missing mandatory fields are flagged."""
    from personvern.notice import render_ropa

    if fmt is RopaFormat.xlsx and output is None:
        err.print("ropa: --format xlsx needs --output FILE", markup=False, highlight=False)
        raise typer.Exit(2)
    _emit(render_ropa(_load(policy), fmt.value, lang.value, csv_style=csv_style.value), output)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="the previous policy file")],
    new: Annotated[Path, typer.Argument(help="the new policy file")],
    fail_on_material: Annotated[bool, typer.Option(help="exit 2 when a change is material")] = False,
    lang: Annotated[NoticeLang, typer.Option("--lang", help="language of the descriptions")] = NoticeLang.en,
) -> None:
    """List what changed between two policy versions; material changes are marked MATERIAL."""
    from personvern.notice import diff_policies

    changes = diff_policies(_load(old), _load(new), lang.value)
    for change in changes:
        mark = "MATERIAL " if change.material else "         "
        out.print(f"{mark}{change.kind}: {change.description}", markup=False, highlight=False, soft_wrap=True)
    material = len(changes.material)
    out.print(f"{len(changes)} changes, {material} material", markup=False, highlight=False)
    if fail_on_material and material:
        raise typer.Exit(2)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV or JSON Lines file (docs/import.md)", exists=True,
                                         dir_okay=False)],
    policy: PolicyOpt,
    db: Annotated[str | None, typer.Option(help="database URL (default: $PERSONVERN_DATABASE_URL, "
                                                 "then sqlite:///personvern.db)")] = None,
    strict: Annotated[bool, typer.Option(help="insert nothing if any row is bad")] = False,
    batch: Annotated[int, typer.Option(min=1, help="subjects per transaction")] = 1000,
    encoding: Annotated[str | None, typer.Option(
        help="the file's encoding (default: detected; a BOM, UTF-8, else Windows-1252 as Excel writes)")] = None,
    ignore_unknown: Annotated[bool, typer.Option(
        help="leave unknown columns and fields out instead of refusing them")] = False,
) -> None:
    """Load existing customers (subjects, records, events); print each bad row as FILE:LINE: field: reason."""
    from rich.progress import Progress

    from personvern.register import Register
    from personvern.register.engine import database_url
    from personvern.register.ingest import import_file

    url = database_url(db)
    loaded = _load(policy)
    created = None
    try:
        created = _master_key(url)
        with Register.open(loaded, url) as reg:
            if not out.is_terminal:
                report = import_file(reg, file, strict=strict, batch=batch, encoding=encoding,
                                     ignore_unknown=ignore_unknown)
            else:
                with Progress(console=out.console(), transient=True) as bar:
                    task = bar.add_task(f"importing {file.name}", total=None)

                    def advance(done: int, total: int) -> None:
                        bar.update(task, completed=done, total=total)

                    report = import_file(reg, file, strict=strict, batch=batch, progress=advance,
                                         encoding=encoding, ignore_unknown=ignore_unknown)
    except PersonvernError as exc:
        forget_new_key(created, url)
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    for bad in report.errors:
        err.print(f"{file}:{bad.line}: {bad.field}: {bad.reason}", markup=False, highlight=False,
                  soft_wrap=True)
    kept = "nothing inserted (--strict)" if strict and report.errors else (
        f"{report.subjects} subjects, {report.records} records, {report.events} events inserted")
    out.print(f"{file}: {report.rows} rows read; {kept}; bad rows: {len(report.errors)}", markup=False,
              highlight=False, soft_wrap=True)
    if report.errors:
        raise typer.Exit(1)

@app.command()
def sweep(
    policy: PolicyOpt,
    db: Annotated[str | None, typer.Option(help="database URL (default: $PERSONVERN_DATABASE_URL)")] = None,
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"],
                                                   help="the day to sweep as of (default: today)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="list what would go; change nothing")] = False,
    batch: Annotated[int, typer.Option(min=1, help="records per transaction")] = 1000,
    json_out: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Carry out every retention rule whose time is up: delete, reduce, review or hand over, in batches."""
    from rich.progress import Progress
    from rich.table import Table

    from personvern.notice import describe_retention
    from personvern.register import Register
    from personvern.register.engine import database_url
    from personvern.register.sweep import SweepReport

    loaded = _load(policy)
    day = as_of.date() if as_of else None
    try:
        with Register.open(loaded, database_url(db)) as reg:
            if dry_run or not out.is_terminal:
                report: SweepReport = reg.sweep(day, dry_run=dry_run, batch=batch)
            else:
                with Progress(console=out.console(), transient=True) as bar:
                    task = bar.add_task("sweeping", total=None)
                    report = reg.sweep(day, batch=batch, progress=lambda _a, n: bar.advance(task, n))
            rules = {p.key: describe_retention(p.retention, reg.policy, "en") for p in reg.policy.purposes
                     if p.retention}
    except PersonvernError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if json_out:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
        return
    verb = "would" if dry_run else "did"
    table = Table(title=f"sweep as of {report.as_of} ({'dry run' if dry_run else 'done'})")
    for col in ("purpose", "action", "records", "rule"):
        table.add_column(col)
    for action, counter in (("delete", report.deleted), ("reduce", report.reduced), ("review", report.review),
                            ("hand over", report.handed_over)):
        for purpose, n in sorted(counter.items()):
            table.add_row(purpose, action, str(n), rules.get(purpose, ""))
    for purpose, kinds in sorted(report.held.items()):
        for kind, n in sorted(kinds.items()):
            table.add_row(purpose, f"kept: {kind} hold", str(n), rules.get(purpose, ""))
    for w in report.waiting:  # no due date: nothing is kept silently (issue 14 item 4)
        table.add_row(w.purpose, f"kept: waiting for {' or '.join(w.events) or 'an event'}", str(w.records),
                      rules.get(w.purpose, ""))
    out.print(table)
    out.print(f"{report.total} records {verb} go; {report.subjects_removed} subjects removed", highlight=False)
    if report.waiting:
        out.print(f"{sum(w.records for w in report.waiting)} records have no due date: their rule waits for an "
                  "event that has not been recorded", highlight=False)


keys_app = typer.Typer(help="The master key: generate and rotate.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("generate")
def keys_generate(path: Annotated[Path, typer.Argument(help="file to write (mode 0600); must not exist")]) -> None:
    """Write a new random master key (base64 of 32 bytes) to a file."""
    from personvern.register.crypto import MasterKey

    try:
        MasterKey.generate().write(path)
    except FileExistsError:
        err.print(f"error: {path} exists; refusing to overwrite a master key", markup=False, highlight=False)
        raise typer.Exit(1) from None
    out.print(f"wrote {path}: keep it secret and backed up; without it the data cannot be read", highlight=False)


@keys_app.command("rotate")
def keys_rotate(
    new_key_file: Annotated[Path, typer.Argument(help="file with the new master key")],
    policy: PolicyOpt,
    db: Annotated[str | None, typer.Option(help="database URL")] = None,
) -> None:
    """Re-wrap every key of the database under a new master key (the current one from the environment)."""
    from personvern.register import MasterKey, Register
    from personvern.register.engine import database_url
    from personvern.register.keys import rotate

    try:
        new = MasterKey.parse(new_key_file.read_text(), origin=str(new_key_file))
        with Register.open(_load(policy), database_url(db)) as reg, reg.transaction() as c:
            n = rotate(c, reg.keys.master, new)
    except (PersonvernError, OSError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    out.print(f"re-wrapped {n} keys under master key {new.id}", highlight=False)


audit_app = typer.Typer(help="The audit trail: verify its hash chain, show it.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
AuditDb = Annotated[str | None, typer.Option(help="database URL (default: $PERSONVERN_DATABASE_URL)")]


class AuditFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@audit_app.command("verify")
def audit_verify(db: AuditDb = None, head: Annotated[Path | None, typer.Option(
        help="a head checkpoint kept outside the database (the output of 'personvern audit head')")] = None,
                 ) -> None:
    """Check the audit trail's hash chain: exit 0 when intact, 1 with the first broken seq and how, 2 when the
    trail or the head file cannot be read. Audited reads still in the journal are sealed into the chain first,
    so the check covers every committed read."""
    from sqlalchemy.exc import SQLAlchemyError

    from personvern.audit import seal_all, verify
    from personvern.register.engine import database_url, make_engine

    outside = _read_head(head) if head is not None else None
    engine = make_engine(database_url(db))
    try:
        seal_all(engine)
        with engine.connect() as conn:
            result = verify(conn, head=outside)
    except SQLAlchemyError as exc:
        err.print(f"error: cannot read the audit trail: {getattr(exc, 'orig', None) or exc}",
                  markup=False, highlight=False)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    text = str(result) + (f", checked against the head kept outside (seq {outside.seq})"
                           if outside is not None and result.ok else "")
    (out if result.ok else err).print(text, markup=False, highlight=False, soft_wrap=True)
    if not result.ok:
        raise typer.Exit(1)


def _read_head(path: Path) -> Any:
    """A head file: ``{"seq": N, "hash": "<64 hex>"}`` as ``personvern audit head`` prints it."""
    from personvern.audit import ChainPoint

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        point = ChainPoint(int(data["seq"]), str(data["hash"]))
        if point.seq < 0 or len(point.hash) != 64:
            raise ValueError("seq must be >= 0 and hash 64 hex digits")
        return point
    except (OSError, ValueError, KeyError, TypeError) as exc:
        err.print(f"error: {path}: not a head checkpoint ({exc}); make one with 'personvern audit head'",
                  markup=False, highlight=False)
        raise typer.Exit(2) from None


@audit_app.command("head")
def audit_head(db: AuditDb = None) -> None:
    """Print the trail's head checkpoint as JSON; keep it outside the database and check against it later
    with 'personvern audit verify --head FILE' (docs/security.md)."""
    from personvern.audit.chain import head
    from personvern.register.engine import database_url, make_engine

    engine = make_engine(database_url(db))
    try:
        with engine.connect() as conn:
            point = head(conn)
    finally:
        engine.dispose()
    out.print(json.dumps({"seq": point.seq if point else 0, "hash": point.hash if point else "0" * 64}),
              markup=False, highlight=False, soft_wrap=True)


@audit_app.command("show")
def audit_show(
    db: AuditDb = None,
    subject: Annotated[str | None, typer.Option(help="only this subject's entries (its public uuid)")] = None,
    actor: Annotated[str | None, typer.Option(help="only this actor's entries")] = None,
    fmt: Annotated[AuditFormat, typer.Option("--format", help="table, or json/csv of every entry")] = (
        AuditFormat.table),
    limit: Annotated[int, typer.Option(min=1, help="table: the newest N entries")] = 100,
    csv_style: CsvOption = CsvStyle.excel,
) -> None:
    """Show audit entries (who did what to whose data, when, for which purpose); ids only."""
    from rich.table import Table

    from personvern.audit import ExportFormat, entries, export
    from personvern.register.engine import database_url, make_engine

    engine = make_engine(database_url(db))
    try:
        with engine.connect() as conn:
            if fmt is not AuditFormat.table:
                kind: ExportFormat = "json" if fmt is AuditFormat.json else "csv"
                sys.stdout.write(export(conn, subject, actor=actor, fmt=kind, csv_style=csv_style.value))
                return
            rows = entries(conn, subject, actor=actor, limit=limit, newest_first=True)
    finally:
        engine.dispose()
    table = Table(title=f"audit trail{' of ' + subject if subject else ''} (newest {len(rows)})")
    cols = ("seq", "at (UTC)", "actor", "role", "action", "purpose", "records") + (() if subject else ("subject",))
    for col in cols:
        table.add_column(col, no_wrap=col in ("seq", "at (UTC)", "action"), overflow="fold")
    for e in reversed(rows):
        cells = [str(e.seq), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.role, e.action, e.purpose or "",
                 " ".join(map(str, e.record_ids))]
        table.add_row(*cells, *(() if subject else (e.subject_ref or "",)))
    out.print(table)


# Sub-commands of the areas (personvern/commands/*.py), one line each:
from personvern.commands.demo import app as demo_app  # noqa: E402
from personvern.commands.security import breach_app, erasures_app  # noqa: E402
from personvern.commands.worker import app as worker_app  # noqa: E402
from personvern.commands.worker import outbox_app  # noqa: E402

app.add_typer(demo_app, name="demo")
app.add_typer(worker_app, name="worker")
app.add_typer(outbox_app, name="outbox")
app.add_typer(erasures_app, name="erasures")
app.add_typer(breach_app, name="breach")

from personvern.commands.datastore import app as datastore_app  # noqa: E402
from personvern.commands.requests import app as requests_app  # noqa: E402

app.add_typer(datastore_app, name="datastore")  # issue 16: the business's own databases

app.add_typer(requests_app, name="requests")

from personvern.commands.service import app as service_app  # noqa: E402

app.add_typer(service_app)  # lookup, contact, case, policy (issue 6: customer service)


from personvern.commands.web import serve_app, tokens_app, users_app  # noqa: E402

app.add_typer(serve_app, name="serve")  # issue 7: web server, staff users, API tokens
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

from personvern.commands.consent import mount as mount_consent  # noqa: E402

mount_consent(app)  # issue 6: consent, reservations, campaign, contact check

from personvern.commands.rights import mount as mount_rights  # noqa: E402

mount_rights(app)  # issue 12: staff-initiated erase and restrict, through personvern.rights

from personvern.commands.draft import draft as draft_command  # noqa: E402

app.command("draft")(draft_command)  # issue 17: a policy drafted from the notice in prose


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except PersonvernError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise SystemExit(1) from None
