"""Fixtures of the audit tests: an engine with the register's tables, empty or holding a short chain."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from audit_samples import OTHER, SUBJECT, T0
from sqlalchemy import Engine

from personvern.audit import RecordRead, RecordWritten, SubjectCreated, SubjectLookedUp, append
from personvern.register import schema
from personvern.register.engine import make_engine


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database with every register table created."""
    eng = make_engine(db_url)
    schema.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def chain(engine: Engine) -> Engine:
    """Ten entries about two subjects, one transaction each, an hour apart from ``T0`` (seqs 1..10)."""
    events = [
        SubjectCreated(subject_ref=SUBJECT, kind="customer"),
        RecordWritten(subject_ref=SUBJECT, purpose="order_fulfilment", record_ids=(1, 2)),
        SubjectLookedUp(subject_ref=SUBJECT, purpose="customer_service", by="email"),
        RecordRead(subject_ref=SUBJECT, purpose="customer_service", record_ids=(1,)),
        SubjectCreated(subject_ref=OTHER, kind="customer"),
        RecordWritten(subject_ref=OTHER, purpose="order_fulfilment", record_ids=(3,)),
        RecordRead(subject_ref=OTHER, purpose="customer_service", record_ids=(3,)),
        RecordWritten(subject_ref=SUBJECT, purpose="order_fulfilment", record_ids=(2,), change="updated"),
        RecordRead(subject_ref=SUBJECT, purpose="accounting", record_ids=(2,)),
        SubjectLookedUp(subject_ref=OTHER, purpose="customer_service", by="phone"),
    ]
    for i, event in enumerate(events):
        actor = "kari" if i % 2 else "svc-web"
        with engine.begin() as conn:
            append(conn, event, actor=actor, role="support", at=T0 + timedelta(hours=i))
    return engine
