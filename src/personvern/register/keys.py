"""The keys of one database: the keyring (lookup, seal, outbox keys) and the per-subject data keys."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from personvern.errors import CryptoError
from personvern.register import schema as t
from personvern.register.crypto import MasterKey, derive, lookup_hash, new_key

RING = ("lookup", "seal", "outbox", "requests")


class Keys:
    """Unwrapped keyring keys for one open register, and a small cache of subject keys."""

    def __init__(self, master: MasterKey, ring: dict[str, bytes]) -> None:
        self.master = master
        self._ring = ring

    @classmethod
    def load(cls, conn: Connection, master: MasterKey) -> Keys:
        """Read the keyring, creating it on first use. A wrong master key is refused with a clear message."""
        rows = {r.name: r for r in conn.execute(select(t.keyring))}
        now = datetime.now(UTC)
        for name in RING:
            if name not in rows:
                conn.execute(insert(t.keyring).values(
                    name=name, wrapped=master.wrap(new_key()), master_id=master.id, created_at=now))
        rows = {r.name: r for r in conn.execute(select(t.keyring))}
        ring = {}
        for name, row in rows.items():
            if row.master_id != master.id:
                raise CryptoError(
                    f"this database's keys are wrapped by master key {row.master_id}, "
                    f"but the key given is {master.id}")
            ring[name] = master.unwrap(row.wrapped)
        return cls(master, ring)

    def lookup(self, kind: str, value: str) -> bytes:
        return lookup_hash(self._ring["lookup"], kind, value)

    def seal_key(self, order_number: str) -> bytes:
        """A key only the order number opens: sealed records are readable with it and nothing else (TZ4)."""
        return derive(self._ring["seal"], f"order:{order_number}")

    @property
    def outbox_key(self) -> bytes:
        return self._ring["outbox"]

    @property
    def requests_key(self) -> bytes:
        """Request artifacts (register copies, erasure results) outlive the subject's own key."""
        return self._ring["requests"]

    def create_subject_keys(self, conn: Connection, subject_ids: Iterable[int]) -> dict[int, bytes]:
        keys = {sid: new_key() for sid in subject_ids}
        if keys:
            conn.execute(insert(t.subject_keys), [
                {"subject_id": sid, "wrapped": self.master.wrap(k), "master_id": self.master.id}
                for sid, k in keys.items()])
        return keys

    def subject_keys(self, conn: Connection, subject_ids: Iterable[int]) -> dict[int, bytes]:
        ids = list(set(subject_ids))
        if not ids:
            return {}
        rows = conn.execute(select(t.subject_keys).where(t.subject_keys.c.subject_id.in_(ids)))
        return {r.subject_id: self.master.unwrap(r.wrapped) for r in rows}

    def subject_key(self, conn: Connection, subject_id: int) -> bytes:
        found = self.subject_keys(conn, [subject_id])
        if subject_id not in found:
            raise CryptoError("the subject's key is gone: its data has been erased (crypto-shredded)")
        return found[subject_id]

    def shred(self, conn: Connection, subject_ids: Iterable[int]) -> None:
        conn.execute(delete(t.subject_keys).where(t.subject_keys.c.subject_id.in_(list(subject_ids))))


def rotate(conn: Connection, old: MasterKey, new: MasterKey, batch: int = 1000) -> int:
    """Re-wrap every key under a new master key; returns how many keys were re-wrapped."""
    count = 0
    for row in conn.execute(select(t.keyring)).all():
        conn.execute(update(t.keyring).where(t.keyring.c.name == row.name).values(
            wrapped=new.wrap(old.unwrap(row.wrapped)), master_id=new.id))
        count += 1
    last = 0
    while True:
        rows = conn.execute(select(t.subject_keys).where(t.subject_keys.c.subject_id > last)
                            .order_by(t.subject_keys.c.subject_id).limit(batch)).all()
        if not rows:
            return count
        for row in rows:
            conn.execute(update(t.subject_keys).where(t.subject_keys.c.subject_id == row.subject_id).values(
                wrapped=new.wrap(old.unwrap(row.wrapped)), master_id=new.id))
        count += len(rows)
        last = rows[-1].subject_id
