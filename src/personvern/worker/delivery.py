"""The outbox worker: claims due rows, delivers them, records the outcome (issue 5; GDPR Art. 19, TZ6).

At least once, nothing lost:

1. **Claim** (one short transaction): up to ``batch`` rows with ``status='pending' AND next_attempt_at <= now``,
   oldest first, are leased: ``attempts + 1`` and ``next_attempt_at = now + lease``. On PostgreSQL the
   candidate rows are selected ``FOR UPDATE SKIP LOCKED`` so that workers never wait on each other; on
   SQLite the one conditional ``UPDATE … WHERE id IN (SELECT … LIMIT n) AND status='pending' AND
   next_attempt_at <= now`` runs under SQLite's single writer lock, so two workers never claim one row.
2. **Deliver** outside any transaction (SMTP, webhook, archive file).
3. **Record**: ``delivered``; or rescheduled after ``backoff(attempts)`` (30 s × 2ⁿ, capped at 6 h, minus up
   to 20 % jitter) with ``last_error``; or ``dead`` once ``max_attempts`` attempts failed.

A worker killed between 1 and 3 leaves the row pending with its lease: when the lease runs out another run
delivers it again. The receiver drops repeats by the ``Idempotency-Key``. ``last_error`` is a status code or
an exception class name, never a message that could quote an address.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, update

from personvern.audit.sealer import seal_all
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.worker.transports import (
    DeliveryFailed,
    Mailer,
    NotConfigured,
    PermanentFailure,
    WebhookSender,
    deliver_to_archive,
)

if TYPE_CHECKING:
    from personvern.register.store import Register
    from personvern.worker.jobs import Jobs

log = logging.getLogger("personvern.worker")
o = t.outbox

BACKOFF_BASE = 30.0  # seconds before the first retry
BACKOFF_CAP = 6 * 3600.0  # never wait longer than six hours between attempts
BACKOFF_JITTER = 0.2  # up to 20 % earlier, so that a burst of failures does not retry in lockstep
NOT_CONFIGURED_WAIT = timedelta(minutes=5)


def backoff(attempt: int, *, rng: random.Random | None = None) -> timedelta:
    """The wait after the ``attempt``-th failed attempt (1-based): 30 s, 60 s, 120 s … capped at 6 h,
    shortened by up to 20 % jitter; never more than the cap, never less than 80 % of the plain delay."""
    plain = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** min(max(attempt, 1) - 1, 30))
    return timedelta(seconds=plain * (1.0 - BACKOFF_JITTER * (rng or random).random()))


@dataclass
class DeliveryReport:
    """What one ``run_once`` did. ``waiting``: rows whose transport is not configured (left pending)."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    waiting: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"claimed": self.claimed, "delivered": self.delivered, "retried": self.retried, "dead": self.dead,
                "waiting": self.waiting, "errors": dict(self.errors)}


class Worker:
    """Delivers the outbox of one register. Thread-safe in the sense the web server needs: every call uses
    its own connections from the engine's pool, and one ``Worker`` runs in one thread."""

    def __init__(self, reg: Register, mailer: Mailer | None, *, batch: int = 50, max_attempts: int = 8,
                 webhooks: WebhookSender | None = None, archive_dir: str | None = None,
                 lease: timedelta = timedelta(minutes=5), rng: random.Random | None = None,
                 jobs: Jobs | None = None) -> None:
        if batch < 1 or max_attempts < 1:
            raise ValueError("batch and max_attempts must be at least 1")
        self.reg = reg.acting("worker", "system")
        self.mailer = mailer
        self.batch = batch
        self.max_attempts = max_attempts
        self.webhooks = webhooks or WebhookSender(self.reg)
        self.archive_dir = archive_dir if archive_dir is not None else os.environ.get("PERSONVERN_ARCHIVE_DIR")
        self.lease = lease
        self.rng = rng or random.Random()
        self.jobs = jobs
        self.postgres = reg.engine.dialect.name == "postgresql"

    def run_once(self, now: datetime | None = None) -> DeliveryReport:
        """Deliver every row due at ``now`` (default: the register's clock), batch after batch."""
        now = now or self.reg.clock()
        report = DeliveryReport()
        while True:
            rows = self.claim(now)
            report.claimed += len(rows)
            for row in rows:
                self._deliver(row, now, report)
            if len(rows) < self.batch:
                return report

    def run_forever(self, stop: threading.Event, interval: float = 5.0) -> None:
        """Seal the journal of audited reads, deliver and run the scheduled jobs every ``interval`` seconds until
        ``stop`` is set."""
        while not stop.is_set():
            try:
                seal_all(self.reg.engine)  # audited reads join the hash chain within one interval (issue 13)
                self.run_once()
                if self.jobs is not None:
                    self.jobs.run_due()
            except Exception as exc:  # the thread must survive a database hiccup; the type says enough
                log.error("worker run failed: %s", type(exc).__name__)
            stop.wait(interval)

    def close(self) -> None:
        """Close the webhook client's connections."""
        self.webhooks.close()

    def claim(self, now: datetime) -> list[Row[Any]]:
        """Lease up to ``batch`` due rows (see the module docstring) and return them."""
        due = (o.select().with_only_columns(o.c.id)
               .where(o.c.status == "pending", o.c.next_attempt_at <= now)
               .order_by(o.c.next_attempt_at, o.c.id).limit(self.batch))
        if self.postgres:
            due = due.with_for_update(skip_locked=True)
        # Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT n): PostgreSQL re-ran that subquery as the
        # update moved rows out of it and leased every due row in one claim (issue 13). The ids are picked and
        # locked first, then leased, in one transaction.
        with self.reg.transaction() as c:
            ids = list(c.execute(due).scalars())
            if not ids:
                return []
            rows = list(c.execute(
                update(o).where(o.c.id.in_(ids), o.c.status == "pending", o.c.next_attempt_at <= now)
                .values(attempts=o.c.attempts + 1, next_attempt_at=now + self.lease)
                .returning(o.c.id, o.c.kind, o.c.destination, o.c.recipient, o.c.body, o.c.idempotency_key,
                           o.c.attempts)).all())
        return sorted(rows, key=lambda r: r.id)

    def _deliver(self, row: Row[Any], now: datetime, report: DeliveryReport) -> None:
        try:
            self._send(row)
        except NotConfigured as exc:
            report.waiting += 1
            self._finish(row, attempts=o.c.attempts - 1, next_attempt_at=now + NOT_CONFIGURED_WAIT,
                         last_error=str(exc))
        except Exception as exc:
            error = str(exc) if isinstance(exc, DeliveryFailed) else f"{row.kind} {type(exc).__name__}"
            report.errors[error] = report.errors.get(error, 0) + 1
            if row.attempts >= self.max_attempts or isinstance(exc, PermanentFailure):
                report.dead += 1
                self._finish(row, status="dead", last_error=error)
            else:
                report.retried += 1
                self._finish(row, next_attempt_at=now + backoff(row.attempts, rng=self.rng), last_error=error)
        else:
            report.delivered += 1
            self._finish(row, status="delivered", delivered_at=now, last_error=None)

    def _send(self, row: Row[Any]) -> None:
        body = body_of(self.reg, row)
        if row.kind == "email":
            if self.mailer is None:
                raise NotConfigured("no SMTP server configured (PERSONVERN_SMTP_URL): e-mail waits")
            self.mailer.send(body, idempotency_key=row.idempotency_key)
        elif row.kind == "webhook":
            self.webhooks.send(row.destination, row.recipient, body, idempotency_key=row.idempotency_key,
                               timestamp=int(datetime.now(UTC).timestamp()))
        elif row.kind == "archive":
            deliver_to_archive(self.archive_dir, row.destination, row.idempotency_key, body)
        else:
            raise DeliveryFailed(f"unknown outbox kind '{row.kind}'")

    def _finish(self, row: Row[Any], **values: Any) -> None:
        """Record the outcome, unless another run re-leased the row meanwhile (its attempt count moved on)."""
        with self.reg.transaction() as c:
            c.execute(update(o).where(o.c.id == row.id, o.c.status == "pending",
                                      o.c.attempts == row.attempts).values(**values))
