"""``personvern worker``: delivers the outbox at least once and runs the scheduled jobs (issue 5).

    from personvern.worker import CaptureMailer, Jobs, Worker
    worker = Worker(reg, CaptureMailer(), jobs=Jobs(reg))
    worker.run_once()                       # deliver what is due now
    threading.Thread(target=worker.run_forever, args=(stop,), daemon=True).start()   # `personvern serve`

Transports and webhook signing: ``worker/transports.py``; claiming, backoff and dead letters:
``worker/delivery.py``; the nightly jobs: ``worker/jobs.py``; the privacy officer's view: ``worker/admin.py``.
"""

from __future__ import annotations

from personvern.worker.admin import OutboxView, acknowledge, list_outbox, retry
from personvern.worker.delivery import DeliveryReport, Worker, backoff
from personvern.worker.jobs import Jobs, Schedule
from personvern.worker.transports import (
    CaptureMailer,
    DeliveryFailed,
    Mailer,
    NotConfigured,
    PermanentFailure,
    SmtpMailer,
    WebhookSender,
    ascii_domain,
    build_message,
    deliver_to_archive,
    sign,
    verify_signature,
    webhook_secret,
)

__all__ = [
    "CaptureMailer",
    "DeliveryFailed",
    "DeliveryReport",
    "Jobs",
    "Mailer",
    "NotConfigured",
    "OutboxView",
    "PermanentFailure",
    "Schedule",
    "SmtpMailer",
    "WebhookSender",
    "Worker",
    "acknowledge",
    "ascii_domain",
    "backoff",
    "build_message",
    "deliver_to_archive",
    "list_outbox",
    "retry",
    "sign",
    "verify_signature",
    "webhook_secret",
]
