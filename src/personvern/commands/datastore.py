"""``personvern datastore``: the business's own databases (issue 16) — scan, access, erase, sweep, plan.

A thin shell over ``personvern.datastores``. A data subject's erasure or access request goes through
``personvern requests``: the one path reaches every datastore in the same request. These commands are the
operator's: draft a mapping, look, review the SQL, run the retention sweep.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from personvern.commands._common import DbOpt, PolicyOpt, err, fail, load_loaded, register, say
from personvern.errors import PersonvernError

if TYPE_CHECKING:  # only annotations here: `--help` loads no policy code (tests/cli)
    from personvern.policy import LoadedPolicy
    from personvern.policy.datastores import Declared

app = typer.Typer(help="The business's own databases: scan, access, erase, sweep, plan (issue 16).",
                  no_args_is_help=True)

StoreOpt = Annotated[str | None, typer.Option("--datastore", help="datastore name (default: every one declared)")]
UrlOpt = Annotated[str | None, typer.Option("--url", help="database URL (default: the datastore's url_env)")]
EmailOpt = Annotated[list[str] | None, typer.Option("--email", help="e-mail address of the person")]
PhoneOpt = Annotated[list[str] | None, typer.Option("--phone", help="phone number of the person")]
OrderOpt = Annotated[list[str] | None, typer.Option("--order-number", help="order number the person gave")]
NidOpt = Annotated[list[str] | None, typer.Option("--national-id", help="fødselsnummer / D-nummer")]
CustOpt = Annotated[list[str] | None, typer.Option("--customer-number", help="customer number")]


def _stores(loaded: LoadedPolicy, name: str | None) -> list[Declared]:
    chosen = [d for d in loaded.datastores if name is None or d.store.name == name]
    if not chosen:
        fail(f"no datastore {name!r} in the policy" if name else "the policy declares no datastores")
    return chosen


def _ids(email: list[str] | None, phone: list[str] | None, order: list[str] | None = None,
         nid: list[str] | None = None, cust: list[str] | None = None) -> dict[str, list[str]]:
    ids = {k: v for k, v in (("email", email), ("phone", phone), ("order_number", order), ("national_id", nid),
                             ("customer_number", cust)) if v}
    if not ids:
        fail("give the person: --email, --phone, --order-number, --national-id or --customer-number")
    return ids


def _print(value: Any) -> None:
    say(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@app.command()
def scan(url: Annotated[str, typer.Argument(help="database URL to inspect")],
         out: Annotated[Path | None, typer.Option("--out", help="write the draft here (default: stdout)")] = None,
         name: Annotated[str, typer.Option(help="datastore name in the draft")] = "shop",
         url_env: Annotated[str, typer.Option(help="environment variable named in the draft")] = "SHOP_DATABASE_URL",
         ) -> None:
    """Draft a mapping from a live database: tables, keys, links, guessed categories and identity columns,
    every guess marked CONFIRM."""
    from personvern.datastores import engine_for
    from personvern.datastores.scan import draft_yaml
    from personvern.datastores.scan import scan as run_scan

    try:
        text = draft_yaml(run_scan(engine_for(url)), name=name, url_env=url_env)
    except Exception as exc:
        fail(f"cannot inspect the database: {str(exc).splitlines()[0]}")
    if out is None:
        say(text.rstrip("\n"))
    else:
        out.write_text(text, encoding="utf-8")
        err.print(f"wrote {out}: confirm every line marked CONFIRM", markup=False, highlight=False)


@app.command()
def access(policy: PolicyOpt, datastore: StoreOpt = None, url: UrlOpt = None, email: EmailOpt = None,
           phone: PhoneOpt = None, order_number: OrderOpt = None, national_id: NidOpt = None,
           customer_number: CustOpt = None) -> None:
    """The person's rows in every mapped table, as JSON (one snapshot, one query per table)."""
    from personvern.datastores import access as run_access
    from personvern.datastores import open_datastore

    loaded = load_loaded(policy)
    ids = _ids(email, phone, order_number, national_id, customer_number)
    try:
        _print([run_access(open_datastore(d, url), ids).as_json() for d in _stores(loaded, datastore)])
    except PersonvernError as exc:
        fail(str(exc))


@app.command()
def erase(policy: PolicyOpt, db: DbOpt = None, datastore: StoreOpt = None, url: UrlOpt = None,
          email: EmailOpt = None, phone: PhoneOpt = None, national_id: NidOpt = None,
          customer_number: CustOpt = None,
          plan: Annotated[bool, typer.Option("--plan", help="print the SQL and change nothing")] = False) -> None:
    """Erase a person's rows (one transaction per datastore, FK order); ``--plan`` prints the SQL instead.
    A data subject's request goes through ``personvern requests``, which does this in the same request."""
    from personvern.datastores import erase as run_erase
    from personvern.datastores import open_datastore
    from personvern.datastores.requests import hash_key

    loaded = load_loaded(policy)
    ids = _ids(email, phone, None, national_id, customer_number)
    with register(policy, db) as reg:
        try:
            for d in _stores(loaded, datastore):
                done = run_erase(open_datastore(d, url), loaded.policy, ids, hash_key=hash_key(reg), plan=plan)
                if plan:
                    say(f"-- datastore {d.store.name}: erasure, in one transaction")
                    say("\n".join(s + ";" for s in done.statements))
                else:
                    _print(done.as_json())
        except PersonvernError as exc:
            fail(str(exc))


@app.command()
def sweep(policy: PolicyOpt, db: DbOpt = None, datastore: StoreOpt = None, url: UrlOpt = None,
          as_of: Annotated[str | None, typer.Option("--as-of", help="the day to sweep for (YYYY-MM-DD)")] = None,
          dry_run: Annotated[bool, typer.Option("--dry-run", help="count due rows per table and rule")] = False,
          plan: Annotated[bool, typer.Option("--plan", help="print the SQL that finds due rows")] = False,
          batch: Annotated[int, typer.Option(help="rows per transaction (keyset batches)")] = 5000) -> None:
    """Delete the rows whose retention has ended, per the purposes' rules and the mapped event columns. The
    rows of people under an active hold in the register (``--db``) stay (Art. 17(3)(e)); ``--plan`` prints the
    SQL that finds due rows (the held people's keys are added to it at run time) and needs no register."""
    from personvern.datastores import open_datastore
    from personvern.datastores import sweep as plan_sweep

    loaded = load_loaded(policy)
    day = _day(as_of)
    if plan:
        try:
            for d in _stores(loaded, datastore):
                done = plan_sweep(open_datastore(d, url), loaded.policy, day, plan=True, batch=batch)
                say(f"-- datastore {d.store.name}: due rows on {day}, deleted in keyset batches of {batch}")
                say("\n".join(done.statements))
        except PersonvernError as exc:
            fail(str(exc))
        return
    from personvern.datastores.requests import sweep_datastore

    with register(policy, db) as reg:
        try:
            for d in _stores(loaded, datastore):
                _print(sweep_datastore(reg, d, day, dry_run=dry_run, batch=batch, url=url).as_json())
        except PersonvernError as exc:
            fail(str(exc))


@app.command(name="plan")
def plan_(policy: PolicyOpt, db: DbOpt = None, datastore: StoreOpt = None, url: UrlOpt = None,
          email: EmailOpt = None, phone: PhoneOpt = None,
          as_of: Annotated[str | None, typer.Option("--as-of", help="the sweep's day (YYYY-MM-DD)")] = None) -> None:
    """The SQL personvern would run, for review: the erasure of a person (with --email/--phone), else the sweep."""
    if email or phone:
        erase(policy, db=db, datastore=datastore, url=url, email=email, phone=phone, national_id=None,
              customer_number=None, plan=True)
    else:
        sweep(policy, db=db, datastore=datastore, url=url, as_of=as_of, dry_run=False, plan=True, batch=5000)


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of: {text!r} is not a date (YYYY-MM-DD)")


def check_live(loaded: LoadedPolicy) -> bool:
    """``personvern check``: each datastore whose URL variable is set, against its live schema. True if fine."""
    import os

    from personvern.datastores import check_schema, engine_for

    ok = True
    for d in loaded.datastores:
        url = os.environ.get(d.store.url_env)
        if not url:
            err.print(f"{d.file}: datastores[{d.store.name}]: not checked against a database: "
                      f"{d.store.url_env} is not set", markup=False, highlight=False)
            continue
        try:
            problems = check_schema(d, engine_for(url), loaded.policy)
        except Exception as exc:
            problems = []
            err.print(f"{d.file}: datastores[{d.store.name}]: cannot reach the database: "
                      f"{str(exc).splitlines()[0]}", markup=False, highlight=False)
            ok = False
        for p in problems:
            err.print(str(p), markup=False, highlight=False)
        ok = ok and not any(p.severity == "error" for p in problems)
    return ok
