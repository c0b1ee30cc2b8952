"""The worker's scheduled jobs: the nightly retention sweep, the request sweep and deadline reminders.

Each job runs at most once per local day (Europe/Oslo by default) and only after the configured hour
(02:00 by default). Table ``job_runs`` holds each job's last completed day, so a restart neither skips nor
repeats a day: a job is *claimed* by a conditional UPDATE that stamps ``last_run_at`` (a one-hour lease, so two
workers do not run it at once) and *completed* by setting ``last_run_on``. A worker killed mid-job leaves the
day open and the job runs again once the lease is over; the sweep picks up where it stopped.
A worker down for several days runs each job once when it returns: the sweep as of today covers every
earlier day (``retention_until <= as_of``).

- ``sweep``: ``reg.sweep(as_of=today)`` — the retention promised per purpose (Art. 5(1)(e)).
- ``sweep_requests``: requests past their own retention (``personvern.rights.requests``, when installed).
- ``request_reminders``: one e-mail per open request due within 7 days, per day, to the controller's address
  (Art. 12(3): one month, extendable by two) through the outbox; the idempotency key
  ``reminder:<request id>:<day>`` makes a repeat a no-op.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from personvern.register import schema as t
from personvern.register.identifiers import normalise
from personvern.register.outbox import Email, send_email
from personvern.rights.requests import OPEN as OPEN_STATES

if TYPE_CHECKING:
    from personvern.register.store import Register

log = logging.getLogger("personvern.worker")
j = t.job_runs
OPEN = OPEN_STATES  # the open request states have one home: rights.requests


@dataclass(frozen=True)
class Schedule:
    """When the nightly jobs run: after ``hour`` o'clock in ``timezone``; reminders ``reminder_days`` ahead."""

    hour: int = 2
    timezone: str = "Europe/Oslo"
    reminder_days: int = 7
    lease: timedelta = timedelta(hours=1)


class Jobs:
    """The scheduled jobs of one register. ``run_due(now)`` runs whichever is due and returns their results."""

    def __init__(self, reg: Register, schedule: Schedule | None = None) -> None:
        self.reg = reg.acting("worker", "system")
        self.schedule = schedule or Schedule()
        self.jobs: dict[str, Callable[[date], dict[str, Any]]] = {"sweep": self._sweep}
        if importlib.util.find_spec("personvern.rights.requests") is not None:
            self.jobs["sweep_requests"] = self._sweep_requests
        self.jobs["request_reminders"] = self._reminders

    def run_due(self, now: datetime | None = None) -> dict[str, dict[str, Any]]:
        now = now or self.reg.clock()
        local = now.astimezone(ZoneInfo(self.schedule.timezone))
        if local.hour < self.schedule.hour:
            return {}
        done: dict[str, dict[str, Any]] = {}
        for name, job in self.jobs.items():
            if not self._claim(name, local.date(), now):
                continue
            try:
                result = job(local.date())
            except Exception as exc:  # leave the day open: the job runs again after the lease
                log.error("job %s failed: %s", name, type(exc).__name__)
                done[name] = {"error": type(exc).__name__}
                continue
            with self.reg.transaction() as c:
                c.execute(update(j).where(j.c.name == name).values(last_run_on=local.date(), last_run_at=now,
                                                                   result=result))
            done[name] = result
        return done

    def _claim(self, name: str, today: date, now: datetime) -> bool:
        """Stamp the job as running today unless it ran today or another worker holds its lease."""
        try:
            with self.reg.transaction() as c:
                c.execute(insert(j).values(name=name))
        except IntegrityError:
            pass
        with self.reg.transaction() as c:
            won = c.execute(update(j).where(
                j.c.name == name, or_(j.c.last_run_on.is_(None), j.c.last_run_on < today),
                or_(j.c.last_run_at.is_(None), j.c.last_run_at <= now - self.schedule.lease))
                .values(last_run_at=now)).rowcount
        return bool(won)

    def _sweep(self, today: date) -> dict[str, Any]:
        return self.reg.sweep(as_of=today).as_dict()

    def _sweep_requests(self, today: date) -> dict[str, Any]:
        module = importlib.import_module("personvern.rights.requests")
        return {"removed": int(module.sweep_requests(self.reg, today))}

    def _reminders(self, today: date) -> dict[str, Any]:
        """Deadline reminders for open requests due within ``reminder_days`` (overdue ones included)."""
        to = self.reg.policy.controller.email
        if not to:
            return {"sent": 0, "skipped": "the policy names no controller e-mail"}
        r = t.requests
        due = func.coalesce(r.c.extended_to, r.c.due_on)
        horizon = today + timedelta(days=self.schedule.reminder_days)
        sent = 0
        with self.reg.transaction() as c:
            rows = c.execute(select(r.c.id, r.c.ref, r.c.kind, r.c.status, r.c.received_at, due.label("due"))
                             .where(r.c.status.in_(OPEN), due <= horizon).order_by(due, r.c.id)).all()
            for row in rows:
                email = reminder_email(str(to), row.kind, row.status, row.received_at, row.due, today)
                sent += send_email(self.reg, c, email, topic="request_reminder", request_id=row.id,
                                   idempotency_key=f"reminder:{row.id}:{today.isoformat()}",
                                   masked_to=normalise("email", to).masked) is not None
        return {"sent": sent, "open_due_soon": len(rows)}


# Words of the reminder e-mail: Norwegian, as the office reads it; no ids or codes (the console finds the
# request by its kind and dates). The English follows below the Norwegian, in its own words.
_KIND = {"access": ("innsyn", "access"), "rectification": ("retting", "rectification"),
         "erasure": ("sletting", "erasure"), "restriction": ("begrensning", "restriction"),
         "objection": ("innsigelse", "objection"), "portability": ("dataportabilitet", "data portability")}
_STATUS = {"received": ("mottatt", "received"), "verified": ("identitet bekreftet", "identity verified"),
           "in_progress": ("under behandling", "in progress")}


def reminder_email(to: str, kind: str, status: str, received_at: datetime, due: date, today: date) -> Email:
    """A deadline reminder to the controller: which request (its kind and when it came), its state, and how
    long is left, with dates as people write them."""
    from personvern.localtime import local_date

    days = (due - today).days
    k_nb, k_en = _KIND.get(kind, (kind, kind))
    s_nb, s_en = _STATUS.get(status, (status, status))
    left_nb = (f"{abs(days)} {'dag' if abs(days) == 1 else 'dager'} på overtid" if days < 0
               else f"frist om {days} {'dag' if days == 1 else 'dager'}")
    left_en = f"{abs(days)} {'day' if abs(days) == 1 else 'days'} overdue" if days < 0 else (
        f"due in {days} {'day' if days == 1 else 'days'}")
    return Email(
        to=to, subject=f"Frist for henvendelse om {k_nb}: {local_date(due, 'nb')}",
        text=(f"Henvendelsen om {k_nb}, mottatt {local_date(received_at, 'nb')}, er {s_nb}: "
              f"frist {local_date(due, 'nb')} – {left_nb}.\n"
              "Personvernforordningen art. 12 nr. 3: svar innen én måned. Finn den under Henvendelser i konsollen."
              f"\n\n(English) The {k_en} request received {local_date(received_at, 'en')} is {s_en}: deadline "
              f"{local_date(due, 'en')} – {left_en}. GDPR Art. 12(3): answer within one month."))
