"""Customer service from the command line: ``personvern lookup``, ``contact``, ``case``, ``move``, ``policy
activate``.

A thin shell over ``personvern.service`` (issue 6): parse, call, print. Identifiers are printed masked.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from personvern.commands._common import DbOpt, PolicyOpt, fail, register, say

if TYPE_CHECKING:
    from personvern.register import Register

app = typer.Typer(help="Customer service: lookup, contact log, cases, policy changes.")
contact_app = typer.Typer(help="The contact log: calls as facts, e-mails stored under their purpose.",
                          no_args_is_help=True)
case_app = typer.Typer(help="Customer-service cases.", no_args_is_help=True)
policy_app = typer.Typer(help="Policy versions: activate a new one, told by e-mail when material.",
                         no_args_is_help=True)
app.add_typer(contact_app, name="contact")
app.add_typer(case_app, name="case")
app.add_typer(policy_app, name="policy")

ByOpt = Annotated[str, typer.Option("--by", help="who does this (staff username)")]
PurposeOpt = Annotated[str | None, typer.Option(help="the purpose you act for (default: customer_service)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON instead of lines")]


def _purpose(reg: Register, purpose: str | None) -> str:
    if purpose:
        return purpose
    if reg.policy.purpose("customer_service") is None:
        fail("this policy has no purpose 'customer_service': name one with --purpose")
    return "customer_service"


def _dump(value: Any) -> str:
    def plain(v: Any) -> Any:
        return v.isoformat() if isinstance(v, date | datetime) else str(v)

    return json.dumps(value, ensure_ascii=False, indent=2, default=plain)


@app.command("lookup")
def lookup_cmd(query: Annotated[str, typer.Argument(help="phone (any format), e-mail, customer or order number")],
               policy: PolicyOpt, db: DbOpt = None, purpose: PurposeOpt = None,
               kind: Annotated[str | None, typer.Option(help="phone, email, customer_number, order_number")] = None,
               by: Annotated[str, typer.Option("--by", help="who looks (staff username)")] = "cli",
               show_profile: Annotated[bool, typer.Option("--profile", help="also show each hit's profile")] = False,
               as_json: JsonOpt = False) -> None:
    """Find who a phone number (any format), e-mail, customer or order number belongs to."""
    from personvern.service import lookup, profile

    with register(policy, db, actor=by, role="agent") as reg:
        used = _purpose(reg, purpose)
        hits = lookup(reg, query, kind=kind, purpose=used, by=by)
        profiles = [profile(reg, h.subject, purpose=used, by=by) for h in hits if show_profile and h.subject]
    if as_json:
        say(_dump({"hits": [asdict(h) for h in hits], "profiles": [asdict(p) for p in profiles]}))
        return
    if not hits:
        say("no match")
    for h in hits:
        if h.subject is None:
            say(f"sealed bookkeeping record(s) {', '.join(map(str, h.sealed_records))} (by order number)")
            continue
        ids = "; ".join(f"{k}: {', '.join(v)}" for k, v in h.identifiers.items())
        say(f"{h.subject}  {h.kind}  matched by {h.matched_by}  {ids}")
    for p in profiles:
        say(f"\n{p.subject}: {p.name or '(no name stored)'}")
        for g in p.purposes:
            until = g.retention_until or ("awaits an event" if g.awaiting_event else "-")
            note = f", {g.restricted} restricted" if g.restricted else ""
            say(f"  {g.purpose}: {g.records} record(s){note}; {g.legal_basis}; kept until {until}")
        for c in p.open_cases:
            say(f"  open case {c.ref} ({c.kind}, {c.purpose})")


@contact_app.command("log")
def contact_log(subject: Annotated[str, typer.Argument(help="the subject's ref")], policy: PolicyOpt,
                channel: Annotated[str, typer.Option(help="phone, email, sms, post, chat")],
                by: ByOpt, db: DbOpt = None, purpose: PurposeOpt = None,
                direction: Annotated[str, typer.Option(help="in or out")] = "in",
                text_file: Annotated[Path | None, typer.Option("--text-file",
                                                               help="the e-mail's text (not for calls)")] = None,
                case: Annotated[str | None, typer.Option(help="the case's ref")] = None) -> None:
    """Log a call (a fact, no recording) or an e-mail (its text stored under the purpose) on a profile."""
    from personvern.service import log_contact

    text = text_file.read_text(encoding="utf-8") if text_file else None
    with register(policy, db, actor=by, role="agent") as reg:
        cid = log_contact(reg, subject, channel=channel, direction=direction, purpose=_purpose(reg, purpose),
                          by=by, text=text, case=case)
    say(f"logged contact {cid}")


@contact_app.command("list")
def contact_list(subject: Annotated[str, typer.Argument(help="the subject's ref")], policy: PolicyOpt,
                 db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """A subject's contact log, newest first."""
    from personvern.service import contacts

    with register(policy, db) as reg:
        views = contacts(reg, subject)
    if as_json:
        say(_dump([asdict(v) for v in views]))
        return
    for v in views:
        what = "text stored" if v.record else "no text"
        say(f"{v.at:%Y-%m-%d %H:%M}  {v.channel:5} {v.direction:3} {v.purpose}  {v.actor}  {what}"
            + (f"  case {v.case}" if v.case else ""))


@case_app.command("open")
def case_open(policy: PolicyOpt, by: ByOpt, db: DbOpt = None, purpose: PurposeOpt = None,
              kind: Annotated[str, typer.Option(help="service, complaint or warranty")] = "service",
              subject: Annotated[str | None, typer.Option(help="the subject's ref")] = None,
              phone: Annotated[str | None, typer.Option(help="find or create the profile by phone")] = None,
              email: Annotated[str | None, typer.Option(help="find or create the profile by e-mail")] = None,
              ) -> None:
    """Open a case; without --subject the profile is found by --phone/--email, or created."""
    from personvern.service import open_case

    identifiers = {k: v for k, v in (("phone", phone), ("email", email)) if v}
    with register(policy, db, actor=by, role="agent") as reg:
        view = open_case(reg, subject=subject, identifiers=identifiers or None, kind=kind,
                         purpose=_purpose(reg, purpose), by=by)
    say(f"opened case {view.ref} on {view.subject}" + (" (new profile)" if view.profile_created else ""))


@case_app.command("close")
def case_close(case: Annotated[str, typer.Argument(help="the case's ref")], policy: PolicyOpt, by: ByOpt,
               db: DbOpt = None,
               on: Annotated[str | None, typer.Option(help="closing date, YYYY-MM-DD (default today)")] = None) -> None:
    """Close a case: its records' retention now runs (for example: closed and at least 30 days)."""
    from personvern.service import close_case

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        fail("--on: not a date (YYYY-MM-DD)")
    with register(policy, db, actor=by, role="agent") as reg:
        view = close_case(reg, case, by=by, on=day)
    say(f"closed case {view.ref}; kept until {view.retention_until or 'its rule ends'}")


@app.command("move")
def move_cmd(subject: Annotated[str, typer.Argument(help="the subject's ref")], policy: PolicyOpt, by: ByOpt,
             from_purpose: Annotated[str, typer.Option("--from", help="the purpose the records are under now")],
             to: Annotated[str, typer.Option("--to", help="the purpose they move to (its may_move_to)")],
             kind: Annotated[str | None, typer.Option(help="the subject's new kind, e.g. member")] = None,
             db: DbOpt = None) -> None:
    """Move a subject's records to the purpose a later event puts them under (a trial member who becomes a
    member: may_move_to); the new purpose's retention applies from now. Refused, with the reason, when the
    policy does not allow it."""
    with register(policy, db, actor=by, role="agent") as reg:
        moved = reg.move_records(subject, from_purpose, to, kind=kind)
    say(f"moved {len(moved)} record(s) from {from_purpose} to {to}" + (f"; the subject is now {kind}" if kind else ""))


@case_app.command("list")
def case_list(subject: Annotated[str, typer.Argument(help="the subject's ref")], policy: PolicyOpt,
              db: DbOpt = None) -> None:
    """A subject's cases."""
    from personvern.service import cases

    with register(policy, db) as reg:
        views = cases(reg, subject)
    for v in views:
        state = f"closed {v.closed_at:%Y-%m-%d}" if v.closed_at else "open"
        say(f"{v.ref}  {v.kind:9} {v.purpose}  {state}  kept until {v.retention_until or '-'}")


@policy_app.command("activate")
def policy_activate(file: Annotated[Path, typer.Argument(help="the new policy file (YAML)")], policy: PolicyOpt,
                    by: ByOpt, db: DbOpt = None) -> None:
    """Activate a new policy version; a material change is e-mailed to the subjects it touches."""
    from personvern.service import activate_policy

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"{file}: cannot read: {exc.strerror}")
    with register(policy, db, actor=by) as reg:
        done = activate_policy(reg, text, by=by, file_name=str(file))
    say(f"policy {done.version} active (version id {done.version_id}, sha256 {done.sha256[:12]})"
        + (" — already active" if done.already_active else ""))
    for m in done.material:
        say(f"  material: {m['description']}")
    say(f"{done.notified} e-mail(s) queued in the outbox")
