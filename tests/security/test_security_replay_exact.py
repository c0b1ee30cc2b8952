"""After a backup is restored, replaying the erasure ledger redoes exactly the erasures made since: the same
records deleted, sealed and kept, for the same subjects and no other (issue 12; Art. 17, Art. 5(1)(f))."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from security_helpers import EMAIL, PHONE, Backup
from sqlalchemy import select

from personvern import audit, rights
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.ledger import export_ledger, read_ledger


@pytest.fixture
def backups() -> Iterator[list[Backup]]:
    taken: list[Backup] = []
    yield taken
    for b in taken:
        b.drop()


def _state(reg: Register) -> dict[str, Any]:
    """What an erasure changes, without the columns that differ by design (times, fresh ciphertext)."""
    r, x, e, s = t.records, t.restrictions, t.erasures, t.suppressions
    with reg.engine.connect() as c:
        return {
            "subjects": sorted(c.execute(select(t.subjects.c.ref)).scalars()),
            "records": sorted((row.id, row.purpose, row.state, row.subject_id, bytes(row.seal_ref or b"").hex())
                              for row in c.execute(select(r))),
            "restrictions": sorted((row.subject_id, row.record_id, row.purpose, row.ground)
                                   for row in c.execute(select(x).where(x.c.lifted_at.is_(None)))),
            "ledger": sorted((row.subject_ref, tuple(row.lookups), row.reason, json.dumps(row.records, sort_keys=True))
                             for row in c.execute(select(e))),
            "suppressions": sorted((row.kind, bytes(row.lookup).hex(), row.reason, row.subject_id)
                                   for row in c.execute(select(s))),
            "keys": sorted(c.execute(select(t.subject_keys.c.subject_id)).scalars()),
        }


@pytest.mark.promise("TZ4")
def test_replay_after_a_restore_redoes_full_and_partial_erasures_exactly(
        reg: Register, tmp_path: Path, backups: list[Backup]) -> None:
    kari = reg.add_subject("customer", {"email": EMAIL, "phone": PHONE})
    reg.write(kari, "customer_profile", ["user.name"], {"user.name": "Kari Nordmann"})
    reg.write(kari, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521")
    complaint = reg.write(kari, "complaints", ["custom.correspondence"], {"custom.correspondence": "reklamasjon"})
    per = reg.add_subject("customer", {"email": "per@example.no"})
    reg.write(per, "customer_profile", ["user.name"], {"user.name": "Per"})
    household = reg.add_subject("customer", {"phone": PHONE})  # shares Kari's phone, and nothing else
    reg.write(household, "customer_service", ["custom.call_log"], {"custom.call_log": "ringte"})
    backups.append(backup := Backup(reg.engine, tmp_path))

    partial = rights.erase_subject(reg, kari, ground="b", by="po")  # the receipt sealed, the complaint kept
    assert not partial.subject_removed and partial.kept_ids == [complaint] and len(partial.sealed_ids) == 1
    full = rights.erase_subject(reg, per, ground="b", by="po")
    assert full.subject_removed
    after = _state(reg)
    [kari_row] = [x for x in after["ledger"] if x[0] == kari]  # a partial erasure is in the ledger too
    assert json.loads(kari_row[3])["kept"] == [complaint] and json.loads(kari_row[3])["sealed"]
    ledger_file = tmp_path / "erasures.jsonl"
    with ledger_file.open("w") as f:
        assert export_ledger(reg, f, since=date(2026, 1, 1)) == 2

    backup.restore()
    assert _state(reg) != after  # the restore brought the erased data back
    report = rights.replay_erasures(reg, since=date(2026, 1, 1), entries=read_ledger(ledger_file))
    assert (report.entries, report.by_ref, report.by_identifier) == (2, 2, 0)
    assert _state(reg) == after  # exactly the same again: nothing more, nothing less
    assert household in after["subjects"]  # never touched
    assert reg.find_sealed("5521")[0].payload == {"custom.order": "ordre 5521"}
    with reg.engine.connect() as c:
        assert audit.verify(c).ok
        assert [e.details["counts"]["entries"] for e in audit.entries(c, actions=["erasure.replayed"])] == [2]
    again = rights.replay_erasures(reg, entries=read_ledger(ledger_file))  # idempotent
    assert _state(reg) == after and again.by_ref == 1 and again.already_gone == 1  # Kari stays: complaint kept
