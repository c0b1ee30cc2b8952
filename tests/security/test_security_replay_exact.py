"""After a backup is restored, replaying the erasure ledger redoes exactly the erasures made since: the same
records deleted, sealed and kept, for the same subjects and no other (issue 12; Art. 17, Art. 5(1)(f))."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from security_helpers import EMAIL, PHONE, Backup
from sqlalchemy import select

from personvern import audit, rights
from personvern.consent import may_contact
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


def _consents(reg: Register) -> list[tuple[Any, ...]]:
    k = t.consents
    with reg.engine.connect() as c:
        return sorted((row.id, row.subject_id, row.purpose, row.channel, row.withdrawn_at is not None,
                       row.withdrawn_by) for row in c.execute(select(k)))


@pytest.mark.promise("TP13e")
@pytest.mark.promise("KL7")
def test_replay_withdraws_again_the_consents_an_objection_withdrew(
        open_register: Callable[[str], Register], tmp_path: Path, backups: list[Backup]) -> None:
    """An objection to direct marketing withdraws the marketing consents (Art. 21(3)); a restore brings them back
    as given — the replay must withdraw them again, as before, also when the objection erased no record."""
    from personvern.consent import give

    reg = open_register("tp-ecommerce")
    kari = reg.add_subject("customer", {"email": EMAIL, "phone": PHONE})
    reg.write(kari, "customer_service", ["user.name"], {"user.name": "Kari"})  # stays: not marketing
    reg.write(kari, "marketing", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": "x"})
    per = reg.add_subject("customer", {"email": "per@example.no"})
    reg.write(per, "customer_service", ["user.name"], {"user.name": "Per"})  # no marketing record at all
    for ref in (kari, per):
        for channel in ("email", "sms"):
            give(reg, ref, "marketing", channel=channel, method="checkbox", text=None)
    backups.append(backup := Backup(reg.engine, tmp_path))
    rights.object_for_subject(reg, kari, by="po")
    rights.object_for_subject(reg, per, by="po")
    before, state = _consents(reg), _state(reg)
    assert sum(1 for x in before if x[4]) == 4  # every marketing consent withdrawn
    ledger_file = tmp_path / "erasures.jsonl"
    with ledger_file.open("w") as f:
        assert export_ledger(reg, f) == 2  # both objections, Per's with nothing erased
    backup.restore()
    assert not any(x[4] for x in _consents(reg))  # the restore brought them back as given
    rights.replay_erasures(reg, entries=read_ledger(ledger_file))
    assert _consents(reg) == before and _state(reg) == state
    assert not may_contact(reg, per, "marketing", "email").allowed


def test_a_partially_erased_subject_imported_again_is_found_by_its_identifier_hashes(
        reg: Register, tmp_path: Path, backups: list[Backup]) -> None:
    """The ledger row of a partial erasure carries the identifier hashes too: when the ref is gone (a backup
    from before the customer, who came back under a new ref), the replay finds the person by *all* of their
    identifiers — and a household member sharing the phone is never touched."""
    backups.append(backup := Backup(reg.engine, tmp_path))
    kari = reg.add_subject("customer", {"email": EMAIL, "phone": PHONE})
    reg.write(kari, "customer_profile", ["user.name"], {"user.name": "Kari"})
    reg.write(kari, "complaints", ["custom.correspondence"], {"custom.correspondence": "reklamasjon"})
    assert not rights.erase_subject(reg, kari, ground="b", by="po").subject_removed  # the complaint is kept
    ledger_file = tmp_path / "erasures.jsonl"
    with ledger_file.open("w") as f:
        export_ledger(reg, f)
    backup.restore()  # from before Kari: her ref is gone
    again = reg.add_subject("customer", {"email": EMAIL, "phone": PHONE})
    profile = reg.write(again, "customer_profile", ["user.name"], {"user.name": "Kari"})
    complaint = reg.write(again, "complaints", ["custom.correspondence"], {"custom.correspondence": "reklamasjon"})
    household = reg.add_subject("customer", {"phone": PHONE})
    theirs = reg.write(household, "customer_profile", ["user.name"], {"user.name": "Ola"})
    report = rights.replay_erasures(reg, entries=read_ledger(ledger_file))
    assert (report.by_ref, report.by_identifier, report.erased) == (0, 1, [again])
    with reg.engine.connect() as c:
        left = set(c.execute(select(t.records.c.id)).scalars())
    assert profile not in left and complaint in left and theirs in left  # as the policy says; Ola untouched
