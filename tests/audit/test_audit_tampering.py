"""Every way of tampering with the stored trail is detected, at the right seq, and named."""

from __future__ import annotations

import json

import pytest
from audit_samples import add, forge, rehash, remove, renumber, row, sql, swap
from sqlalchemy import Engine, delete, update

from personvern.audit import VerifyResult, verify
from personvern.errors import AuditChainBroken
from personvern.register.schema import audit_log, meta


def check(engine: Engine) -> VerifyResult:
    with engine.connect() as conn:
        return verify(conn)


def assert_broken(engine: Engine, seq: int, kind: str) -> VerifyResult:
    result = check(engine)
    assert (result.broken_seq, result.kind) == (seq, kind), str(result)
    assert str(result).startswith(f"audit trail broken at seq {seq} ({kind}): ")
    return result


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "mallory"),
        ("action", "subject.viewed"),
        ("purpose", "marketing"),
        ("subject_ref", "00000000-1c3d-4e5f-8a7b-6c5d4e3f2a1b"),
        ("role", "admin"),
        ("hash", "f" * 64),
        ("prev_hash", "e" * 64),
    ],
)
def test_an_edited_field_is_found_at_its_entry(chain: Engine, column: str, value: str) -> None:
    sql(chain, f"UPDATE audit_log SET {column} = :v WHERE seq = 5", v=value)
    assert_broken(chain, 5, "edited")


def test_edited_record_ids_and_time_are_found(chain: Engine) -> None:
    with chain.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 4).values(record_ids=[1, 99]))
    assert_broken(chain, 4, "edited")
    with chain.begin() as conn:
        r = row(conn, 4)
        conn.execute(update(audit_log).where(audit_log.c.seq == 4).values(record_ids=[1]))
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(at=r["at"]))
    assert_broken(chain, 2, "edited")


def test_an_edit_with_its_hash_recomputed_is_found_by_the_next_link(chain: Engine) -> None:
    with chain.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 6).values(actor="mallory"))
        rehash(conn, 6)
    result = assert_broken(chain, 6, "edited")
    assert "hash recomputed" in result.detail


def test_an_edited_last_entry_with_its_hash_recomputed_is_found_by_the_head(chain: Engine) -> None:
    with chain.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 10).values(actor="mallory"))
        rehash(conn, 10)
    assert_broken(chain, 10, "edited")


def test_a_changed_seq_is_found(chain: Engine) -> None:
    sql(chain, "UPDATE audit_log SET seq = 50 WHERE seq = 10")
    result = assert_broken(chain, 10, "edited")
    assert "renumbered to 50" in result.detail


@pytest.mark.parametrize("seq", [1, 5, 10])
def test_a_deleted_entry_is_found(chain: Engine, seq: int) -> None:
    remove(chain, seq)
    result = assert_broken(chain, seq, "deleted")
    assert result.entries == seq - 1


def test_deleted_entries_are_found_even_when_the_rest_is_renumbered(chain: Engine) -> None:
    with chain.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq.in_([4, 5])))
        renumber(conn, 6, -2)
    assert_broken(chain, 4, "deleted")


def test_a_cut_off_tail_is_found_by_the_head(chain: Engine) -> None:
    sql(chain, "DELETE FROM audit_log WHERE seq > 7")
    result = assert_broken(chain, 8, "deleted")
    assert "8..10" in result.detail


def test_a_missing_head_checkpoint_is_reported(chain: Engine) -> None:
    with chain.begin() as conn:
        conn.execute(delete(meta).where(meta.c.key == "audit.head"))
    assert_broken(chain, 10, "deleted")


def test_a_forged_entry_appended_at_the_end_is_found(chain: Engine) -> None:
    with chain.connect() as conn:
        last = row(conn, 10)
    add(chain, forge(last["hash"], 11))
    assert_broken(chain, 11, "inserted")


def test_a_forged_entry_slipped_into_the_middle_is_found(chain: Engine) -> None:
    with chain.begin() as conn:
        before = row(conn, 4)
        renumber(conn, 5, +1)
        conn.execute(audit_log.insert().values(forge(before["hash"], 5)))
    result = assert_broken(chain, 5, "inserted")
    assert "entry 6 links to entry 4" in result.detail


def test_a_badly_forged_entry_in_the_middle_is_found(chain: Engine) -> None:
    with chain.begin() as conn:
        renumber(conn, 5, +1)
        conn.execute(audit_log.insert().values(forge("0" * 64, 5, hash="a" * 64)))
    assert_broken(chain, 5, "inserted")


def test_an_entry_with_a_forged_seq_is_found(chain: Engine) -> None:
    with chain.begin() as conn:
        last = row(conn, 10)
        conn.execute(update(meta).where(meta.c.key == "audit.head").values(
            value=json.dumps({"seq": 20, "hash": "b" * 64})))
    add(chain, forge(last["hash"], 20))
    assert_broken(chain, 20, "inserted")


@pytest.mark.parametrize(("a", "b"), [(4, 5), (3, 8), (1, 10)])
def test_swapped_entries_are_found_as_reordered(chain: Engine, a: int, b: int) -> None:
    with chain.begin() as conn:
        swap(conn, a, b)
    assert_broken(chain, a, "reordered")


def test_raise_if_broken_raises_the_audit_error(chain: Engine) -> None:
    remove(chain, 3)
    with pytest.raises(AuditChainBroken, match=r"seq 3 \(deleted\)"):
        check(chain).raise_if_broken()
    check(chain)  # a plain verify never raises
