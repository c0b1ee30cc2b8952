"""``personvern erasures export|replay`` and ``personvern breach``: a thin shell over the library (issue 8).

    personvern erasures export --output erasures.jsonl            # nightly, kept apart from the backups
    personvern erasures replay --since 2026-03-01 --ledger erasures.jsonl   # after restoring that backup
    personvern breach --from 2026-03-01T08:00+01:00 --to 2026-03-02T08:00+01:00 --json
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from personvern.commands._common import DbOpt, PolicyOpt, fail, register, say
from personvern.errors import PersonvernError

erasures_app = typer.Typer(help="The erasure ledger: export it, replay it after restoring a backup.",
                           no_args_is_help=True)
breach_app = typer.Typer(help="Who and what a personal data breach touched (Art. 33-34).")

SinceOpt = Annotated[str | None, typer.Option("--since", help="only erasures on or after this date (YYYY-MM-DD)")]


def _date(text: str | None, where: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{where}: not a date (YYYY-MM-DD): {text!r}")


def _moment(text: str | None, where: str) -> datetime | None:
    """An ISO 8601 time; a bare date means 00:00 UTC, and a time without zone is read as UTC."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{where}: not a date or time (e.g. 2026-03-01 or 2026-03-01T08:00+01:00): {text!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@erasures_app.command("export")
def erasures_export(
    policy: PolicyOpt, db: DbOpt = None, since: SinceOpt = None,
    output: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
) -> None:
    """Write the erasure ledger as JSON Lines: subject refs and keyed hashes of identifiers, no clear data."""
    from personvern.register.ledger import export_ledger

    start = _date(since, "--since")
    with register(policy, db) as reg:
        if output is None:
            n = export_ledger(reg, sys.stdout, start)
        else:
            with output.open("w", encoding="utf-8") as f:
                n = export_ledger(reg, f, start)
    typer.echo(f"{n} ledger entries", err=True)


@erasures_app.command("replay")
def erasures_replay(
    policy: PolicyOpt, db: DbOpt = None, since: SinceOpt = None,
    ledger: Annotated[Path | None, typer.Option(help="a ledger exported by `erasures export` (default: the "
                                                     "database's own erasures table)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report what would be erased")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Re-apply every erasure in the ledger made since a backup was taken, after restoring that backup."""
    from personvern.register.ledger import read_ledger
    from personvern.rights import replay_erasures as replay

    start = _date(since, "--since")
    if ledger is not None and not ledger.is_file():
        fail(f"--ledger: {ledger} not found")
    with register(policy, db, actor="erasure-replay", role="system") as reg:
        try:
            entries = list(read_ledger(ledger)) if ledger is not None else None
            report = replay(reg, since=start, entries=entries, dry_run=dry_run)
            stores = _replay_datastores(reg, entries, start, dry_run)
        except PersonvernError as exc:
            fail(str(exc))
    if as_json:
        say(json.dumps({"dry_run": dry_run, **report.as_dict(), **({"datastores": stores} if stores else {})},
                       indent=2, ensure_ascii=False))
        return
    for name, done in stores.items():
        say(f"datastore {name}: {done if isinstance(done, str) else json.dumps(done, ensure_ascii=False)}")
    verb = "would erase" if dry_run else "erased"
    say(f"{report.entries} ledger entries; {verb} {report.by_ref} subjects by ref and {report.by_identifier} by "
        f"identifier; {report.already_gone} already gone")


def _replay_datastores(reg: Any, entries: list[Any] | None, since: date | None, dry_run: bool) -> dict[str, Any]:
    """The business's own databases too (issue 16): a restored shop gets its erased customers erased again."""
    if not reg.datastores:
        return {}
    from personvern.datastores.requests import replay_datastores
    from personvern.register.ledger import ledger as own_ledger

    chosen = [e for e in (own_ledger(reg) if entries is None else entries)
              if since is None or e.erased_at.date() >= since]
    return replay_datastores(reg, chosen, dry_run=dry_run)


@breach_app.callback(invoke_without_command=True)
def breach(
    policy: PolicyOpt,
    start: Annotated[str, typer.Option("--from", help="window start (ISO date or time; UTC unless a zone is given)")],
    end: Annotated[str, typer.Option("--to", help="window end, exclusive")],
    db: DbOpt = None,
    records: Annotated[str | None, typer.Option(help="record ids known to be affected, comma-separated")] = None,
    purpose: Annotated[list[str] | None, typer.Option(help="only records of this purpose (repeatable)")] = None,
    accessed: Annotated[bool, typer.Option("--accessed", help="only what the audit trail shows was read in "
                                                              "the window (default: all stored data)")] = False,
    actor: Annotated[str | None, typer.Option(help="only what this actor read (a misused account)")] = None,
    aware_at: Annotated[str | None, typer.Option("--aware-at", help="when the breach became known "
                                                                    "(default: now)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Affected subjects, purposes and categories of a breach, and the 72-hour deadline (Art. 33-34)."""
    from personvern.audit.breach import assess

    ids = None
    if records is not None:
        try:
            ids = [int(x) for x in records.split(",") if x.strip()]
        except ValueError:
            fail(f"--records: record ids are numbers separated by commas, not {records!r}")
    with register(policy, db, actor="breach-report") as reg:
        try:
            report = assess(reg, _moment(start, "--from") or datetime.now(UTC), _moment(end, "--to") or
                            datetime.now(UTC), records=ids, actor=actor, accessed=accessed, purposes=purpose,
                            aware_at=_moment(aware_at, "--aware-at"))
        except PersonvernError as exc:
            fail(str(exc))
    if as_json:
        say(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    say(f"window {report.start.isoformat()} to {report.end.isoformat()} ({report.scope})")
    say(f"affected subjects: {len(report.subjects)}; records: {report.records} "
        f"({report.sealed} detached from their subject); no longer stored: {len(report.records_gone)}")
    for key, n in sorted(report.purposes.items()):
        say(f"  {key}: {n}")
    say(f"categories: {', '.join(report.categories) or 'none'}")
    say(f"notify Datatilsynet by {report.notify_by.isoformat()} (72 hours after becoming aware, Art. 33(1))")
    if report.notify_subjects_likely:
        say("notice to the subjects is likely needed (Art. 34): " + "; ".join(report.reasons))
    else:
        say("no special categories, national id or financial/login data found: Art. 34 notice may not be needed")
