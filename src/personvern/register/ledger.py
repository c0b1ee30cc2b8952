"""The erasure ledger: export it, and replay it after a backup is restored (Art. 17, Art. 5(1)(f); issue 8).

Every erasure, full or partial, gets a ledger row (``register/erasure.py``), and so does a subject a sweep
left with nothing: its public ref first, the keyed hashes (HMAC, hex) of its identifiers, and the records it
deleted, sealed and kept — no clear data. A backup restored after erasures brings the erased data back;
``personvern.rights.replay_erasures`` removes exactly the same again:

    export_ledger(reg, out)                          # nightly, to storage kept apart from the database backups
    replay_erasures(reg, since=date(2026, 3, 1), entries=read_ledger("erasures.jsonl"))

A subject is found by its ref; only when that ref is gone, by identifiers that are exactly the erased
subject's (a subject imported again under a new ref) — never by one shared identifier. The ledger has to
live outside the restored database — a restore rolls the ``erasures`` table back too — hence the JSON Lines export.
Lookups match only while the lookup key is the same: the keyring travels with the backup, and
``keys rotate`` re-wraps it without changing it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select

from personvern.errors import RegisterError
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.register.store import Register

REPLAY_REASON = "erasure_replay"
_CHUNK = 500


@dataclass(frozen=True)
class LedgerEntry:
    """One erased subject: its public ref, the hex HMACs of its identifiers, when and why."""

    subject_ref: str
    lookups: tuple[str, ...]
    erased_at: datetime
    reason: str
    records: dict[str, Any] | None = None  # deleted, sealed, kept record ids; subject_removed; purposes

    def as_json(self) -> dict[str, Any]:
        out = {"subject_ref": self.subject_ref, "lookups": list(self.lookups),
               "erased_at": self.erased_at.isoformat(), "reason": self.reason}
        return out if self.records is None else {**out, "records": self.records}

    def as_row(self) -> dict[str, Any]:
        """The ``erasures`` row this entry was exported from (a replay writes it back)."""
        return {"subject_ref": self.subject_ref, "lookups": list(self.lookups), "erased_at": self.erased_at,
                "reason": self.reason, "records": self.records}

    @property
    def record_ids(self) -> set[int] | None:
        """Every record the erasure touched (deleted, sealed, kept), or None for a whole-subject entry."""
        if not self.records:
            return None
        return {int(x) for k in ("deleted", "sealed", "kept") for x in self.records.get(k) or []}


@dataclass
class ReplayReport:
    """What a replay did: ledger entries read, subjects erased again (by ref or by identifier), already gone."""

    entries: int = 0
    by_ref: int = 0
    by_identifier: int = 0
    already_gone: int = 0
    erased: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"entries": self.entries, "by_ref": self.by_ref, "by_identifier": self.by_identifier,
                "already_gone": self.already_gone, "erased": self.erased}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _start(since: date | None) -> datetime | None:
    return None if since is None else datetime.combine(since, time.min, tzinfo=UTC)


def ledger(reg: Register, since: date | None = None) -> list[LedgerEntry]:
    """The ledger rows of this database erased on or after ``since`` (00:00 UTC), oldest first."""
    e = t.erasures
    q = select(e).order_by(e.c.id)
    if (start := _start(since)) is not None:
        q = q.where(e.c.erased_at >= start)
    with reg.engine.connect() as c:
        rows = c.execute(q).all()
    return [LedgerEntry(r.subject_ref, tuple(r.lookups or ()), _utc(r.erased_at), r.reason, r.records)
            for r in rows]


def export_ledger(reg: Register, out: IO[str], since: date | None = None) -> int:
    """Write the ledger as JSON Lines (ref, identifier hashes, date, reason; no clear data); returns the count."""
    entries = ledger(reg, since)
    for entry in entries:
        out.write(json.dumps(entry.as_json(), sort_keys=True) + "\n")
    return len(entries)


def read_ledger(path: str | Path) -> Iterator[LedgerEntry]:
    """Entries of an exported ledger file; a malformed line is a :class:`RegisterError` naming its line."""
    with Path(path).open(encoding="utf-8") as f:
        for line, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
                lookups = raw.get("lookups") or []
                if not isinstance(lookups, list) or not all(isinstance(x, str) for x in lookups):
                    raise ValueError("lookups")
                bytes.fromhex("".join(lookups))
                records = raw.get("records")
                if records is not None and not isinstance(records, dict):
                    raise ValueError("records")
                yield LedgerEntry(str(raw["subject_ref"]), tuple(lookups),
                                  _utc(datetime.fromisoformat(raw["erased_at"])), str(raw.get("reason", "")),
                                  records)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise RegisterError(f"{path}:{line}: not a ledger entry (subject_ref, lookups as hex, "
                                    "erased_at)", field="ledger") from None


def choose(reg: Register, since: date | None, entries: Iterable[LedgerEntry] | None) -> list[LedgerEntry]:
    """The entries erased on or after ``since``: from ``entries``, else this database's own table."""
    start = _start(since)
    return [e for e in (ledger(reg) if entries is None else entries) if start is None or e.erased_at >= start]


def find(reg: Register, entries: list[LedgerEntry]) -> tuple[set[str], dict[str, set[str]]]:
    """Refs of erased subjects still present, and per entry whose ref is gone the refs of subjects imported
    again under a new ref: those whose identifiers are *exactly* the erased subject's (by keyed hash). A
    subject that merely shares one identifier — a household's phone — is never that person; and an entry whose
    ref is present is matched by its ref alone (the subject's stable reference comes first)."""
    return _find(reg, entries)


def _find(reg: Register, entries: list[LedgerEntry]) -> tuple[set[str], dict[str, set[str]]]:
    """Refs still present, and per ledger entry the refs of other subjects whose *every* identifier was the
    erased subject's (a re-import of the same person). A subject that merely shares one identifier — a
    household's phone — is not that person and is left alone."""
    s, i = t.subjects, t.identifiers
    present: set[str] = set()
    owner = {bytes.fromhex(h): e.subject_ref for e in entries for h in e.lookups}
    refs = [e.subject_ref for e in entries]
    lookups = list(owner)
    candidates: set[int] = set()
    with reg.engine.connect() as c:
        for n in range(0, len(refs), _CHUNK):
            present.update(c.execute(select(s.c.ref).where(s.c.ref.in_(refs[n:n + _CHUNK]))).scalars())
        for n in range(0, len(lookups), _CHUNK):
            candidates.update(c.execute(select(i.c.subject_id).where(i.c.lookup.in_(lookups[n:n + _CHUNK])))
                              .scalars())
        held: dict[int, tuple[str, set[bytes]]] = {}
        ids = sorted(candidates)
        for n in range(0, len(ids), _CHUNK):
            for sid, ref, lookup in c.execute(select(s.c.id, s.c.ref, i.c.lookup).join(i, i.c.subject_id == s.c.id)
                                              .where(s.c.id.in_(ids[n:n + _CHUNK]))):
                held.setdefault(sid, (ref, set()))[1].add(bytes(lookup))
    wanted = {e.subject_ref: {bytes.fromhex(h) for h in e.lookups} for e in entries}
    matched: dict[str, set[str]] = {}
    for ref, mine in held.values():
        erased = {owner.get(x) for x in mine}
        if ref in present or len(erased) != 1 or None in erased:
            continue
        entry_ref = erased.pop() or ""
        if entry_ref not in present and mine == wanted.get(entry_ref):
            matched.setdefault(entry_ref, set()).add(ref)
    return present, matched
