"""The privacy officer's view of the trail, a subject's "who looked at my data", and exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from audit_samples import OTHER, SUBJECT, T0
from sqlalchemy import Engine

from personvern.audit import accesses, entries, export, read_actions


def test_entries_filter_by_subject_actor_and_time(chain: Engine) -> None:
    with chain.connect() as conn:
        assert [e.seq for e in entries(conn, SUBJECT)] == [1, 2, 3, 4, 8, 9]
        assert [e.seq for e in entries(conn, actor="kari")] == [2, 4, 6, 8, 10]
        window = entries(conn, since=T0 + timedelta(hours=2), until=T0 + timedelta(hours=5))
        assert [e.seq for e in window] == [3, 4, 5]
        assert [e.seq for e in entries(conn, since=T0.date(), until=T0.date())] == []
        assert [e.seq for e in entries(conn, OTHER, actor="kari")] == [6, 10]


def test_entries_limit_and_newest_first(chain: Engine) -> None:
    with chain.connect() as conn:
        assert [e.seq for e in entries(conn, limit=3)] == [1, 2, 3]
        assert [e.seq for e in entries(conn, limit=3, newest_first=True)] == [10, 9, 8]


def test_who_looked_at_my_data_lists_only_reads_of_that_subject(chain: Engine) -> None:
    with chain.connect() as conn:
        seen = accesses(conn, SUBJECT)
    assert [(e.seq, e.actor, e.action, e.purpose) for e in seen] == [
        (3, "svc-web", "subject.looked_up", "customer_service"),
        (4, "kari", "record.read", "customer_service"),
        (9, "svc-web", "record.read", "accounting"),
    ]
    assert seen[0].at == T0 + timedelta(hours=2)
    reads = {"subject.looked_up", "record.read", "export.created", "disclosure.recorded"}
    assert reads <= set(read_actions())


def test_json_export_lists_every_matching_entry_without_hashes(chain: Engine) -> None:
    with chain.connect() as conn:
        data = json.loads(export(conn, SUBJECT, fmt="json"))
    assert [d["seq"] for d in data] == [1, 2, 3, 4, 8, 9]
    assert data[1] == {
        "seq": 2, "at": "2024-03-01T10:00:00+00:00", "actor": "kari", "role": "support",
        "action": "record.written", "subject_ref": SUBJECT, "purpose": "order_fulfilment",
        "record_ids": [1, 2], "details": {"change": "created"},
    }


def test_csv_export_has_a_header_and_one_row_per_entry(chain: Engine) -> None:
    with chain.connect() as conn:
        text = export(conn, actor="kari", fmt="csv", csv_style="plain")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["seq"] for r in rows] == ["2", "4", "6", "8", "10"]
    assert rows[0]["record_ids"] == "1 2"
    assert json.loads(rows[0]["details"]) == {"change": "created"}
