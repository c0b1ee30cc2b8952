"""``personvern worker`` (deliver the outbox, run the nightly jobs) and ``personvern outbox`` (its log).

    personvern worker --once                 # deliver what is due and run due jobs, then exit
    personvern worker                        # keep going every --interval seconds until Ctrl-C
    personvern outbox list --status dead     # the dead letters, without bodies, destinations masked
    personvern outbox ack KEY                # a recipient confirmed (KEY: idempotency key or id)
    personvern outbox retry ID               # put a dead message back in the queue
    personvern outbox secret RECIPIENT       # the webhook HMAC secret to give a recipient
"""

from __future__ import annotations

import json
import threading
from typing import Annotated, Any

import typer

from personvern.commands._common import DbOpt, PolicyOpt, err, fail, register, say

app = typer.Typer(help="Deliver the outbox (e-mail, webhooks, archive) and run the scheduled jobs.")
outbox_app = typer.Typer(help="The outbox: delivery log, dead letters, acknowledgements, retries.")


@app.callback(invoke_without_command=True)
def worker(
    policy: PolicyOpt,
    db: DbOpt = None,
    once: Annotated[bool, typer.Option("--once", help="one round of deliveries and due jobs, then exit")] = False,
    capture: Annotated[bool, typer.Option("--capture", help="demo mode: mark e-mail delivered without "
                                          "sending (default: SMTP from $PERSONVERN_SMTP_URL)")] = False,
    jobs: Annotated[bool, typer.Option("--jobs/--no-jobs", help="run the nightly sweep and reminders")] = True,
    interval: Annotated[float, typer.Option(min=0.1, help="seconds between rounds")] = 5.0,
    max_attempts: Annotated[int, typer.Option(min=1, help="attempts before a message is dead")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="--once: print the report as JSON")] = False,
) -> None:
    """Deliver the outbox at least once, with backoff and dead letters; run the nightly jobs.

    The jobs change data: the retention sweep deletes what `personvern sweep --dry-run` lists, closed requests
    past their retention go, and reminders are e-mailed. --no-jobs only delivers."""
    from personvern.worker import CaptureMailer, Jobs, SmtpMailer, Worker

    with register(policy, db, actor="worker", role="system") as reg:
        mailer = CaptureMailer() if capture else SmtpMailer.from_env()
        if mailer is None:
            err.print("warning: PERSONVERN_SMTP_URL is not set: e-mail stays pending (use --capture for a demo)",
                      markup=False, highlight=False)
        w = Worker(reg, mailer, max_attempts=max_attempts, jobs=Jobs(reg) if jobs else None)
        if once:
            from personvern.audit import seal_all

            seal_all(reg.engine)  # the journal of audited reads joins the chain each round (issue 13)
            report = w.run_once()
            ran = w.jobs.run_due() if w.jobs else {}
            if as_json:
                say(json.dumps({"delivery": report.as_dict(), "jobs": ran}, default=str))
            else:
                _say_round(report.as_dict(), ran, jobs)
            return
        stop = threading.Event()
        say(f"worker running every {interval:g} s; Ctrl-C stops it")
        try:
            w.run_forever(stop, interval)
        except KeyboardInterrupt:
            stop.set()


@outbox_app.command("list")
def list_cmd(
    policy: PolicyOpt,
    db: DbOpt = None,
    status: Annotated[str | None, typer.Option(help="pending, delivered or dead")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
) -> None:
    """The newest outbox messages (no bodies; destinations are URLs or masked addresses)."""
    from personvern.worker import list_outbox

    with register(policy, db) as reg:
        rows = list_outbox(reg, status, limit=limit)
    for r in rows:
        ack = f" ack {r.acknowledged_at:%Y-%m-%d %H:%M}" if r.acknowledged_at else ""
        error = f" — {r.last_error}" if r.last_error else ""
        say(f"{r.id}\t{r.status}\t{r.kind}\t{r.topic or ''}\t{r.recipient or ''}\t{r.destination}\t"
            f"attempts {r.attempts}{ack}\t{r.idempotency_key}{error}")
    if not rows:
        say("no messages")


@outbox_app.command("ack")
def ack_cmd(key: Annotated[str, typer.Argument(help="idempotency key or id")], policy: PolicyOpt,
            db: DbOpt = None, by: Annotated[str, typer.Option(help="who confirmed")] = "cli") -> None:
    """Record that a recipient acknowledged a message."""
    from personvern.worker import acknowledge

    with register(policy, db) as reg:
        found = acknowledge(reg, key, by=by)
    if not found:
        fail(f"no outbox message {key}")
    say(f"acknowledged {key}")


@outbox_app.command("retry")
def retry_cmd(outbox_id: Annotated[int, typer.Argument(help="the message id")], policy: PolicyOpt,
              db: DbOpt = None) -> None:
    """Put a dead message back in the queue."""
    from personvern.worker import retry

    with register(policy, db) as reg:
        if not retry(reg, outbox_id):
            fail(f"message {outbox_id} is not dead; only dead messages are retried")
    say(f"message {outbox_id} queued again")


@outbox_app.command("secret")
def secret_cmd(recipient: Annotated[str, typer.Argument(help="the policy's recipient key")], policy: PolicyOpt,
               db: DbOpt = None) -> None:
    """Print the webhook signing secret of a recipient (give it to the recipient over a safe channel)."""
    from personvern.worker import webhook_secret

    with register(policy, db) as reg:
        if all(r.key != recipient for r in reg.policy.recipients):
            fail(f"'{recipient}' is not a recipient of this policy")
        say(webhook_secret(reg, recipient).decode())


def _say_round(delivery: dict[str, Any], ran: dict[str, dict[str, Any]], jobs: bool) -> None:
    """One round in words: what was delivered, what waits, and what each job did."""
    errors = "; ".join(f"{k}: {v}" for k, v in delivery.get("errors", {}).items())
    say(f"outbox: {delivery['delivered']} delivered, {delivery['retried']} to retry later, {delivery['dead']} dead "
        f"(see `personvern outbox list --status dead`), {delivery['waiting']} waiting for a mailer"
        + (f"; {errors}" if errors else ""))
    if not jobs:
        say("jobs: not run (--no-jobs)")
    elif not ran:
        say("jobs: none due now (each runs once a day, after the scheduled hour)")
    for name, result in ran.items():
        said = ", ".join(f"{k.replace('_', ' ')} {_words(v)}" for k, v in result.items()) or "nothing to do"
        say(f"job {name.replace('_', ' ')}: {said}")


def _words(value: Any) -> str:
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}: {_words(v)}" for k, v in value.items()) + ")" if value else "none"
    return str(value)
