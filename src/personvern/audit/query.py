"""Reading the audit trail: the privacy officer's view, a subject's "who looked at my data", exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from sqlalchemy import Connection, Select, select

from personvern.audit._canonical import as_utc
from personvern.audit.events import read_actions
from personvern.audit.sealer import seal
from personvern.audit.tables import audit_log

ExportFormat = Literal["json", "csv"]
CSV_COLUMNS = ("seq", "at", "actor", "role", "action", "subject_ref", "purpose", "record_ids", "details")


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the audit trail as stored (``at`` in UTC)."""

    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    subject_ref: str | None
    purpose: str | None
    record_ids: tuple[int, ...]
    details: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, row: Any) -> AuditEntry:
        return cls(
            seq=int(row.seq), at=as_utc(row.at), actor=row.actor, role=row.role, action=row.action,
            subject_ref=row.subject_ref, purpose=row.purpose, record_ids=tuple(row.record_ids or ()),
            details=dict(row.details or {}), prev_hash=row.prev_hash, hash=row.hash,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``at`` as ISO 8601, ``record_ids`` as a list; without the hashes."""
        return {
            "seq": self.seq, "at": self.at.isoformat(), "actor": self.actor, "role": self.role,
            "action": self.action, "subject_ref": self.subject_ref, "purpose": self.purpose,
            "record_ids": list(self.record_ids), "details": self.details,
        }


def _moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("since/until: datetimes must be timezone-aware")
        return as_utc(value)
    return datetime.combine(value, time.min, tzinfo=UTC)


def _query(
    subject_ref: str | None, since: date | datetime | None, until: date | datetime | None,
    actor: str | None, actions: Sequence[str] | None,
) -> Select[Any]:
    query = select(audit_log)
    if subject_ref is not None:
        query = query.where(audit_log.c.subject_ref == subject_ref)
    if since is not None:
        query = query.where(audit_log.c.at >= _moment(since))
    if until is not None:
        query = query.where(audit_log.c.at < _moment(until))
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if actions is not None:
        query = query.where(audit_log.c.action.in_(list(actions)))
    return query


def entries(
    conn: Connection, subject_ref: str | None = None, since: date | datetime | None = None,
    until: date | datetime | None = None, actor: str | None = None, *,
    actions: Sequence[str] | None = None, limit: int | None = 1000, newest_first: bool = False,
    before_seq: int | None = None,
) -> list[AuditEntry]:
    """Audit entries matching every filter given, in seq order (or newest first), at most ``limit``.

    ``since`` is inclusive and ``until`` exclusive; a date means 00:00 UTC that day. ``before_seq`` pages by
    keyset (entries with a smaller seq: the next page of a newest-first view), an index range scan. Reads still
    in the journal are sealed into the chain first (in the caller's transaction), so every committed read shows.
    """
    seal(conn)
    order = audit_log.c.seq.desc() if newest_first else audit_log.c.seq
    query = _query(subject_ref, since, until, actor, actions).order_by(order)
    if before_seq is not None:
        query = query.where(audit_log.c.seq < before_seq)
    if limit is not None:
        query = query.limit(limit)
    return [AuditEntry.from_row(row) for row in conn.execute(query)]


def accesses(conn: Connection, subject_ref: str, *, limit: int | None = None) -> list[AuditEntry]:
    """Who looked at a subject's data: lookups, views, reads, exports and disclosures, oldest first.

    Meant for the register copy given to the subject (Art. 15) and for the privacy officer.
    """
    return entries(conn, subject_ref, actions=read_actions(), limit=limit)


def iter_entries(
    conn: Connection, subject_ref: str | None = None, since: date | datetime | None = None,
    until: date | datetime | None = None, actor: str | None = None, *, batch_size: int = 5000,
) -> Iterator[AuditEntry]:
    """Every matching entry in seq order, fetched ``batch_size`` at a time (for exports of any size)."""
    seal(conn)
    after = None
    while True:
        query = _query(subject_ref, since, until, actor, None).order_by(audit_log.c.seq).limit(batch_size)
        if after is not None:
            query = query.where(audit_log.c.seq > after)
        page = [AuditEntry.from_row(row) for row in conn.execute(query)]
        yield from page
        if len(page) < batch_size:
            return
        after = page[-1].seq


def export(
    conn: Connection, subject_ref: str | None = None, since: date | datetime | None = None,
    until: date | datetime | None = None, actor: str | None = None, *, fmt: ExportFormat = "json",
) -> str:
    """Matching entries as a JSON array or CSV (``record_ids`` space-separated, ``details`` as JSON)."""
    rows = iter_entries(conn, subject_ref, since, until, actor)
    if fmt == "json":
        return json.dumps([e.as_dict() for e in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt != "csv":
        raise ValueError(f"fmt: {fmt!r} is not one of json, csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in rows:
        writer.writerow([
            e.seq, e.at.isoformat(), e.actor, e.role, e.action, e.subject_ref or "", e.purpose or "",
            " ".join(str(r) for r in e.record_ids), json.dumps(e.details, sort_keys=True, ensure_ascii=False),
        ])
    return buffer.getvalue()
