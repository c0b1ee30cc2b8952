"""Consent and contact from the command line (issue 6): a thin shell over ``personvern.consent``.

    personvern reservations import FILE            # Reservasjonsregisteret: hashes only, the wash recorded
    personvern consent give SUBJECT PURPOSE --channel email --method paper --text-file shown.txt
    personvern consent withdraw SUBJECT PURPOSE [--channel sms]
    personvern consent show SUBJECT
    personvern contact check SUBJECT PURPOSE CHANNEL [--at ...] [--alarm-triggered --customer-unreachable]
    personvern campaign PURPOSE CHANNEL [--count]
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from personvern.commands._common import DbOpt, PolicyOpt, register, say

consent_app = typer.Typer(help="Consent per purpose and channel (Art. 7): give, withdraw, show.",
                          no_args_is_help=True)
reservations_app = typer.Typer(help="Reservasjonsregisteret (markedsføringsloven §§ 12–13).", no_args_is_help=True)
contact_app = typer.Typer(help="May I contact this person?", no_args_is_help=True)

SubjectArg = Annotated[str, typer.Argument(help="the subject's ref")]
PurposeArg = Annotated[str, typer.Argument(help="a purpose key of the policy")]
ChannelArg = Annotated[str, typer.Argument(help="email, sms, post or phone")]
ByOpt = Annotated[str, typer.Option("--by", help="who records this: 'subject' or a staff username")]


@reservations_app.command("import")
def reservations_import(file: Annotated[Path, typer.Argument(help="CSV: kind,value,channels")], policy: PolicyOpt,
                        db: DbOpt = None, by: ByOpt = "cli") -> None:
    """Load a Reservasjonsregisteret file, replacing the previous wash; only keyed hashes are stored."""
    from personvern.consent import import_reservations

    with register(policy, db, actor=by) as reg:
        report = import_reservations(reg, file, by=by)
    say(f"washed: {report.entries} reservations from {report.lines} lines, wash {report.wash_id} at "
        f"{report.washed_at:%Y-%m-%d %H:%M} UTC, sha256 {report.file_sha256}")


@consent_app.command("give")
def consent_give(subject: SubjectArg, purpose: PurposeArg, policy: PolicyOpt, method: Annotated[
                     str, typer.Option(help="how it was given: web_form, paper, phone ...")],
                 db: DbOpt = None, channel: Annotated[str | None, typer.Option(help="email, sms, post, phone")] = None,
                 text_file: Annotated[Path | None, typer.Option(
                     "--text-file", help="the exact text shown (default: the policy's consent wording)")] = None,
                 lang: Annotated[str, typer.Option(help="nb or en")] = "nb",
                 age: Annotated[int | None, typer.Option(help="the age, when a child may be giving it")] = None,
                 by: ByOpt = "subject") -> None:
    """Record a consent with the exact text shown (kept by its SHA-256) and the policy version."""
    from personvern.consent import give

    text = text_file.read_text(encoding="utf-8") if text_file else None
    with register(policy, db, actor=by) as reg:
        cid = give(reg, subject, purpose, channel=channel, method=method, text=text, lang=lang, by=by, age=age)
    say(f"consent {cid} given: {purpose}{' by ' + channel if channel else ''}")


@consent_app.command("withdraw")
def consent_withdraw(subject: SubjectArg, purpose: PurposeArg, policy: PolicyOpt, db: DbOpt = None,
                     channel: Annotated[str | None, typer.Option(help="one channel; default: all")] = None,
                     by: ByOpt = "subject") -> None:
    """Withdraw a consent: one channel, or every channel (Art. 7(3))."""
    from personvern.consent import withdraw

    with register(policy, db, actor=by) as reg:
        n = withdraw(reg, subject, purpose, channel=channel, by=by)
    say(f"withdrawn: {n} consent(s) to {purpose}{' by ' + channel if channel else ' on every channel'}")


@consent_app.command("object")
def consent_object(subject: SubjectArg, policy: PolicyOpt, db: DbOpt = None, by: ByOpt = "subject",
                   purpose: Annotated[str | None, typer.Option(help="one marketing purpose; default: all")] = None,
                   ) -> None:
    """Object to direct marketing (Art. 21(3)): every channel stops at once, and the data used for it is erased
    or restricted — as an objection request (channel 'staff') through ``rights.object_for_subject``."""
    from personvern.rights import object_for_subject

    with register(policy, db, actor=by) as reg:
        done = object_for_subject(reg, subject, by=by, purpose=purpose).details
    say(f"stopped: {', '.join(done.get('marketing_purposes', [])) or 'no marketing purposes'}; "
        f"{len(done.get('consents_withdrawn', []))} consent(s) withdrawn, {done.get('suppression_entries', 0)} "
        f"suppression entries, {len(done.get('deleted_records', []))} record(s) erased")


@consent_app.command("show")
def consent_show(subject: SubjectArg, policy: PolicyOpt, db: DbOpt = None) -> None:
    """The current state per purpose and channel, then the history (the proof)."""
    from personvern.consent import current, history

    with register(policy, db) as reg:
        states, events = current(reg, subject), history(reg, subject)
    for s in states:
        since = f" since {s.since:%Y-%m-%d %H:%M}" if s.since else ""
        say(f"{s.purpose:<28} {s.channel or '-':<6} {s.state}{since}")
    for e in events:
        say(f"{e.at:%Y-%m-%d %H:%M}  {e.action:<9} #{e.consent_id} {e.purpose} {e.channel or '-'} by {e.by}"
            + (f" method={e.method} text={e.text_hash[:12]} policy={e.policy_version}" if e.text_hash else ""))


@contact_app.command("check")
def contact_check(subject: SubjectArg, purpose: PurposeArg, channel: ChannelArg, policy: PolicyOpt,
                  db: DbOpt = None,
                  at: Annotated[datetime | None, typer.Option(help="when (ISO; naive = UTC); default: now")] = None,
                  alarm_triggered: Annotated[bool, typer.Option("--alarm-triggered")] = False,
                  customer_unreachable: Annotated[bool, typer.Option("--customer-unreachable")] = False,
                  training: Annotated[bool, typer.Option("--training", help="an alarm contact's training")] = False,
                  ) -> None:
    """Print allowed or refused, with the reason and the legal basis; exit 1 when refused."""
    from personvern.consent import may_contact

    context = {k: True for k, v in (("alarm_triggered", alarm_triggered),
                                    ("customer_unreachable", customer_unreachable), ("training", training)) if v}
    with register(policy, db) as reg:
        d = may_contact(reg, subject, purpose, channel, at=_utc(at), context=context)
    say(f"{'allowed' if d.allowed else 'refused'} ({d.code}): {d.reason}"
        + (f" [basis: {d.basis}]" if d.basis else "") + ("" if d.marketing else " — not marketing"))
    if not d.allowed:
        raise typer.Exit(1)


def campaign_command(purpose: PurposeArg, channel: ChannelArg, policy: PolicyOpt, db: DbOpt = None,
                     count: Annotated[bool, typer.Option("--count", help="only the counts per decision")] = False,
                     at: Annotated[datetime | None, typer.Option(help="when (ISO; naive = UTC)")] = None,
                     base_url: Annotated[str | None, typer.Option(
                         "--base-url", help="the portal's public URL: print each recipient's one-click unsubscribe "
                         "link and its List-Unsubscribe header values (RFC 8058)")] = None) -> None:
    """Filter every subject for a campaign: counts per decision code, then the refs that may be contacted.

    Every marketing message must offer an easy opt-out (markedsføringsloven § 15): with --base-url each line is
    ref, unsubscribe link, and the List-Unsubscribe / List-Unsubscribe-Post header values, tab-separated. The
    link works without login and is recorded in the consent ledger."""
    from personvern.consent import campaign

    with register(policy, db) as reg:
        result = campaign(reg, purpose, channel, at=_utc(at), count_only=count)
        links = None
        if base_url and not count:
            from personvern.consent.unsubscribe import unsubscribe_links

            links = unsubscribe_links(reg, base_url, purpose, channel, result.allowed)
    for code, n in sorted(result.counts.items(), key=lambda kv: (-kv[1], kv[0])):
        say(f"# {code}: {n}")
    say(f"# allowed {result.allowed_count} of {result.total}")
    if links is not None:
        say("# ref\tunsubscribe link\tList-Unsubscribe\tList-Unsubscribe-Post")
        for link in links:
            say("\t".join([link.subject, link.url, link.headers.get("List-Unsubscribe", ""),
                           link.headers.get("List-Unsubscribe-Post", "")]))
        return
    for ref in result.allowed:
        say(ref)


def _utc(at: datetime | None) -> datetime | None:
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


def mount(app: typer.Typer) -> None:
    """Mount the commands: ``consent``, ``reservations``, ``campaign``, and ``check`` into ``contact`` (the
    customer-service area owns the ``contact`` group; it is created here when that area is absent)."""

    app.add_typer(consent_app, name="consent")
    app.add_typer(reservations_app, name="reservations")
    app.command("campaign")(campaign_command)
    groups = [g.typer_instance for top in [app, *(g.typer_instance for g in app.registered_groups
                                                  if not isinstance(g.name, str) and g.typer_instance)]
              for g in top.registered_groups if g.name == "contact" and g.typer_instance]
    if groups:
        groups[0].command("check")(contact_check)
    else:
        app.add_typer(contact_app, name="contact")

