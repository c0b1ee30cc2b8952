"""Every read and write of personal data in the register leaves an audit entry, in the same transaction
(Art. 5(2), TP12; issue 8): who (actor, role), what (action, record ids), whose (subject ref), why (purpose)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from personvern.audit import entries, verify
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.ingest import import_file
from personvern.rights import erase_subject


def _trail(reg: Register, since_seq: int = 0) -> list[tuple[str, str | None, str | None, tuple[int, ...]]]:
    with reg.engine.connect() as c:
        return [(e.action, e.subject_ref, e.purpose, e.record_ids) for e in entries(c, limit=None)
                if e.seq > since_seq]


def _last_seq(reg: Register) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.coalesce(func.max(t.audit_log.c.seq), 0))).scalar_one())


@pytest.mark.promise("TP12")
def test_each_register_path_appends_its_entry_with_ids_only(reg: Register) -> None:
    staff = reg.acting("anne", "agent")
    ref = staff.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})
    assert _trail(reg) == [("subject.created", ref, None, ()), ("identifiers.added", ref, None, ())]
    mark = _last_seq(reg)
    staff.add_identifiers(ref, {"customer_number": "K-77"})
    rid = staff.write(ref, "customer_service", ["custom.call_log"], {"custom.call_log": "called"})
    staff.record_event("case.closed", date(2026, 1, 6), subject=ref)
    staff.record_event("case.closed", date(2026, 1, 7), record=rid)
    assert staff.find("phone", "97527747", purpose="customer_service") == [ref]
    assert staff.find("email", "nobody@example.no") == []
    staff.read(ref)
    staff.identifiers(ref)  # masked: no decryption, no entry
    staff.identifiers(ref, masked=False)
    assert _trail(reg, mark) == [
        ("identifiers.added", ref, None, ()),
        ("record.written", ref, "customer_service", (rid,)),
        ("event.recorded", ref, None, ()),
        ("event.recorded", ref, None, (rid,)),
        ("subject.looked_up", ref, "customer_service", ()),
        ("subject.looked_up", None, None, ()),
        ("record.read", ref, None, (rid,)),
        ("identifiers.shown", ref, None, ()),
    ]
    with reg.engine.connect() as c:
        tail = entries(c, since=None, limit=None)[-8:]
        assert {(e.actor, e.role) for e in tail} == {("anne", "agent")}
        assert tail[4].details == {"by": "phone", "found": 1}
        assert tail[5].details == {"by": "email", "found": 0}
        assert tail[-1].details == {"kinds": {"email": 1, "phone": 1, "customer_number": 1}}
        assert verify(c).ok


def test_holds_restrictions_and_erasure_are_audited(reg: Register) -> None:
    from personvern.register import holds

    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    kept = reg.write(ref, "complaints", ["custom.correspondence"], {"custom.correspondence": "x"})
    gone = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    mark = _last_seq(reg)
    hold = reg.place_hold(record=kept, reason="tvist", by="po")
    reg.lift_hold(hold, by="po")
    restriction = holds.restrict(reg, ref, ground="accuracy", reason="disputed", by="po")
    holds.lift_restriction(reg, restriction)
    erase_subject(reg, ref, ground="a", by="po")
    assert [(a, s, r) for a, s, _p, r in _trail(reg, mark)] == [
        ("hold.placed", ref, (kept,)),
        ("hold.lifted", ref, (kept,)),
        # nothing it covered is overdue: no sweep run and no sweep entry (issue 13; a due record would go at once)
        ("restriction.placed", ref, ()),
        ("restriction.lifted", ref, ()),
        # the staff-initiated erasure runs the rights workflow (issue 12): a 'staff' request, suppression,
        # the register's erasure, the request's completion — one batch in the erasure's transaction
        ("request.step", ref, ()),
        ("request.step", ref, ()),
        ("suppression.added", ref, ()),
        ("record.deleted", ref, (gone,)),
        ("erasure.completed", ref, ()),
        ("request.step", ref, ()),
    ]


def test_an_entry_rolls_back_with_the_change_it_records(reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    from personvern.register import records

    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    mark = _last_seq(reg)

    def crash(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(records, "touch", crash)  # fails after the record and its entry were written
    with pytest.raises(RuntimeError):
        reg.write(ref, "customer_service", ["custom.call_log"], {"custom.call_log": "x"})
    with pytest.raises(RegisterError):
        reg.find("email", "kari@example.no", purpose="no_such_purpose")
    assert _trail(reg, mark) == []
    with reg.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.records)).scalar_one() == 0


def test_an_erased_subjects_sealed_records_and_removal_are_audited(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    sealed = reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre"}, ref="TZ-1")
    mark = _last_seq(reg)
    erase_subject(reg, ref, ground="a", by="po")
    trail = [(a, r) for a, _s, _p, r in _trail(reg, mark) if a != "request.step" and a != "suppression.added"]
    assert trail == [("record.written", (sealed,)), ("erasure.completed", ()), ("subject.removed", ())]


def test_the_sweep_writes_one_entry_per_purpose_per_batch_and_one_summary_per_run(reg: Register) -> None:
    for i in range(25):
        ref = reg.add_subject("customer", {"email": f"k{i}@example.no"})
        reg.write(ref, "customer_service", ["custom.call_log"], {}, events={"case.closed": date(2026, 1, 6)})
    mark = _last_seq(reg)
    with reg.trace() as queries:
        report = reg.sweep(date(2030, 1, 1), batch=10)
    assert report.deleted["customer_service"] == 25
    inserts = [q for q in queries if q.lstrip().upper().startswith("INSERT INTO AUDIT_LOG")]
    # 3 batches that deleted something, each: one append_many for its deletions, one for the subjects it
    # removed; then the run's summary. Never one statement per record.
    assert len(inserts) == 3 * 2 + 1
    trail = _trail(reg, mark)
    deleted = [r for a, _s, p, r in trail if a == "record.deleted"]
    assert [len(r) for r in deleted] == [10, 10, 5]
    assert sum(1 for a, *_ in trail if a == "subject.removed") == 25
    assert [a for a, *_ in trail][-1] == "sweep.completed"
    with reg.engine.connect() as c:
        summary = entries(c, limit=1, newest_first=True)[0]
    assert summary.details["counts"]["deleted"] == 25 and summary.details["counts"]["subjects_removed"] == 25


def test_a_dry_run_sweep_writes_nothing_to_the_trail(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "k@example.no"})
    reg.write(ref, "customer_service", ["custom.call_log"], {}, events={"case.closed": date(2026, 1, 6)})
    mark = _last_seq(reg)
    assert reg.sweep(date(2030, 1, 1), dry_run=True).total == 1
    assert _trail(reg, mark) == []


def test_an_import_is_audited_in_bulk(open_register: Callable[[str], Register], tmp_path: Path) -> None:
    reg = open_register("tek-zence")
    lines = []
    for i in range(30):
        lines.append(f'{{"type": "subject", "id": "c{i}", "kind": "customer", "email": "c{i}@example.no"}}')
        lines.append(f'{{"type": "record", "subject": "c{i}", "purpose": "customer_service", '
                     f'"categories": ["custom.call_log"], "payload": {{"custom.call_log": "call"}}}}')
    path = tmp_path / "import.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with reg.trace() as queries:
        assert import_file(reg, path, batch=10).subjects == 30
    inserts = [q for q in queries if q.lstrip().upper().startswith("INSERT INTO AUDIT_LOG")]
    assert len(inserts) == 3  # one append_many per batch
    trail = _trail(reg)
    assert sum(1 for a, *_ in trail if a == "subject.created") == 30
    written = [r for a, _s, _p, r in trail if a == "record.written"]
    assert len(written) == 30 and all(len(r) == 1 for r in written)
    assert [a for a, *_ in trail].count("import.batch") == 3
    with reg.engine.connect() as c:
        assert verify(c).ok
