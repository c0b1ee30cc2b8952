"""Pruning the audit trail under its own retention keeps what is left verifiable and tamper-evident."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from audit_samples import SUBJECT, T0, add, forge, remove, row, sql
from sqlalchemy import Engine, select

from personvern.audit import RecordRead, append, entries, prune, verify
from personvern.errors import AuditChainBroken
from personvern.register.schema import meta

CUT = (T0 + timedelta(days=1)).date()


@pytest.fixture
def aged(chain: Engine) -> Engine:
    """The ten-entry chain (all on ``T0``'s day) plus five entries two days later (seqs 11..15)."""
    for i in range(5):
        with chain.begin() as conn:
            event = RecordRead(subject_ref=SUBJECT, purpose="accounting", record_ids=(i,))
            append(conn, event, actor="kari", role="support", at=T0 + timedelta(days=2, hours=i))
    return chain


def prune_before(engine: Engine, before: date) -> int:
    with engine.begin() as conn:
        return prune(conn, before, actor="dpo", role="privacy_officer", at=T0 + timedelta(days=3))


def test_pruning_deletes_the_old_entries_and_keeps_the_chain_verifiable(aged: Engine) -> None:
    assert prune_before(aged, CUT) == 10
    with aged.connect() as conn:
        result = verify(conn)
        left = entries(conn)
        raw = conn.execute(select(meta.c.value).where(meta.c.key == "audit.anchor")).scalar_one()
    anchor = json.loads(raw)
    assert result.ok and result.entries == 6, str(result)
    assert [e.seq for e in left] == list(range(11, 17))
    assert left[-1].action == "audit.pruned"
    assert left[-1].details == {"before": CUT.isoformat(), "pruned": 10, "anchor_seq": 10}
    assert anchor["seq"] == 10 and left[0].prev_hash == anchor["hash"]


def test_nothing_old_enough_prunes_nothing_and_records_nothing(aged: Engine) -> None:
    assert prune_before(aged, T0.date()) == 0
    with aged.connect() as conn:
        assert verify(conn).entries == 15


def test_pruning_twice_and_pruning_everything_stay_verifiable(aged: Engine) -> None:
    prune_before(aged, CUT)
    assert prune_before(aged, CUT + timedelta(days=30)) == 6  # the first prune's own entry goes too
    with aged.begin() as conn:
        append(conn, RecordRead(subject_ref=SUBJECT), actor="kari", role="support")
    with aged.connect() as conn:
        result = verify(conn)
        assert result.ok and result.entries == 2, str(result)
        assert result.anchor is not None and result.anchor.seq == 16


@pytest.mark.parametrize(
    ("tamper", "seq", "kind"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 11", 11, "edited"),
        ("DELETE FROM audit_log WHERE seq = 11", 11, "deleted"),
        ("DELETE FROM audit_log WHERE seq = 13", 13, "deleted"),
    ],
)
def test_tampering_after_pruning_is_still_found(aged: Engine, tamper: str, seq: int, kind: str) -> None:
    prune_before(aged, CUT)
    sql(aged, tamper)
    with aged.connect() as conn:
        result = verify(conn)
    assert (result.broken_seq, result.kind) == (seq, kind), str(result)


def test_an_entry_forged_behind_the_anchor_is_found(aged: Engine) -> None:
    prune_before(aged, CUT)
    add(aged, forge("0" * 64, 3))
    with aged.connect() as conn:
        result = verify(conn)
    assert (result.broken_seq, result.kind) == (3, "inserted"), str(result)


def test_a_broken_chain_is_not_pruned(aged: Engine) -> None:
    remove(aged, 4)
    with pytest.raises(AuditChainBroken, match=r"seq 4 \(deleted\)"):
        prune_before(aged, CUT)
    with aged.connect() as conn:
        assert row(conn, 3)["seq"] == 3  # nothing deleted
