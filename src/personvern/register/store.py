"""``Register``: the one entry point the CLI, the web app and the tests use.

    reg = Register.open("examples/policies/tek-zence.yaml", "sqlite:///personvern.db")
    ref = reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})
    rid = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)
    reg.sweep(as_of=date(2031, 6, 1), dry_run=True)

All SQL goes through ``Register.engine``; ``Register.queries`` counts statements when tracing is on,
so tests can pin the number of queries of a path (STYLE.md habit 4).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, select

from personvern import audit
from personvern.audit import AuditEvent, SubjectCreated, SubjectLookedUp
from personvern.audit.register_events import IdentifiersAdded, IdentifiersShown
from personvern.errors import NationalIdNotAllowed, NotFound, RegisterError
from personvern.policy import LoadedPolicy, Policy, load_policy, taxonomy
from personvern.policy.datastores import Declared
from personvern.policy.retention import WithConsent, anchors, rules_of
from personvern.register import erasure, holds, lifecycle, moves, records, sweep
from personvern.register import schema as t
from personvern.register.crypto import MasterKey, decrypt, encrypt
from personvern.register.engine import database_url, make_engine
from personvern.register.holds import Use
from personvern.register.identifiers import Identifier, normalise
from personvern.register.keys import Keys
from personvern.register.records import RecordView
from personvern.register.sweep import Progress, SweepReport

Identifiers = Mapping[str, str | list[str]]
MAX_IDENTIFIERS = 50  # identifiers written by one call (issue 18: 200,000 in one request wrote 200,000 rows)
_BATCH = "personvern.audit_batch"  # Connection.info key of the audit entries collected by audit_batch()


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Register:
    """The enforcing register over one policy and one database."""

    def __init__(self, policy: Policy, engine: Engine, keys: Keys, *,
                 clock: Callable[[], datetime] = _utcnow, actor: str = "system", role: str = "system") -> None:
        self.policy = policy
        self.engine = engine
        self.keys = keys
        self.clock = clock
        self.actor = actor  # who acts: a staff username, 'subject:<ref>' in the portal, 'system' for jobs
        self.role = role  # agent, privacy_officer, admin, subject, system
        self._trace_box: list[list[str] | None] = [None]  # shared with acting() copies: one engine, one trace
        # the business's own databases (issue 16): inline ones here, file references set by ``open``
        self.datastores: list[Declared] = [Declared(d, "", ("datastores", n)) for n, d in
                                           enumerate(policy.datastores) if not isinstance(d, str)]
        # purposes whose retention counts from the subject's last activity: recomputed on every activity
        self.activity_anchored = {p.key for p in policy.purposes
                                  if p.retention and "last_activity" in anchors(p.retention)}
        # purposes whose consent extends another purpose's retention (with_consent): recomputed on every change
        self.retention_consents = {r.consent for p in policy.purposes for r in rules_of(p.retention, WithConsent)}
        event.listen(engine, "before_cursor_execute", self._trace)

    @classmethod
    def open(cls, policy: Policy | LoadedPolicy | str | Path, db_url: str | None = None, *,
             master_key: MasterKey | None = None, clock: Callable[[], datetime] = _utcnow,
             migrate: bool = True) -> Register:
        """Open (and by default migrate) the register. The master key defaults to the environment,
        then to ``<database file>.key`` beside an SQLite file."""
        if isinstance(policy, str | Path):
            policy = load_policy(policy)
        declared = policy.datastores if isinstance(policy, LoadedPolicy) else None
        if isinstance(policy, LoadedPolicy):
            policy = policy.policy
        url = database_url(db_url)
        engine = make_engine(url)
        try:
            if migrate:
                from personvern.register.migrate import upgrade

                upgrade(engine)
            master = master_key or MasterKey.from_env(default_file=_key_file_beside(url))
            with engine.begin() as conn:
                keys = Keys.load(conn, master)
        except BaseException:
            engine.dispose()  # a refused open (wrong or missing master key) leaves no pooled connection behind
            raise
        reg = cls(policy, engine, keys, clock=clock)
        if declared is not None:
            reg.datastores = declared
        return reg

    def close(self) -> None:
        """Release the connections; closing twice is harmless."""
        if event.contains(self.engine, "before_cursor_execute", self._trace):
            event.remove(self.engine, "before_cursor_execute", self._trace)
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def acting(self, actor: str, role: str) -> Register:
        """The same register (engine, keys, policy) acting for someone else: the web app makes one per request,
        so every audit entry names the person and role behind it (issue 8)."""
        other = copy.copy(self)
        other.actor, other.role = actor, role
        return other

    def audit(self, conn: Connection, *events: AuditEvent) -> None:
        """Append audit entries inside the caller's transaction, as this register's actor and role.

        Inside :meth:`audit_batch` they are collected and appended once when the batch ends (one read of the
        chain's tail and one insert for the whole workflow, instead of one per step)."""
        if not events:
            return
        pending = conn.info.get(_BATCH)
        if pending is not None:
            pending.append((self.actor, self.role, events))
            return
        audit.append_many(conn, events, actor=self.actor, role=self.role, at=self.clock())

    @contextmanager
    def audit_batch(self, conn: Connection) -> Iterator[None]:
        """Collect the audit entries of a workflow run in ``conn`` and append them in one go at its end, in
        order (still inside the transaction: if it rolls back, so do they). Nested batches join the outer."""
        if conn.info.get(_BATCH) is not None:
            yield
            return
        pending: list[tuple[str, str, tuple[AuditEvent, ...]]] = []
        conn.info[_BATCH] = pending
        try:
            yield
        finally:
            conn.info.pop(_BATCH, None)
        groups: list[tuple[str, str, list[AuditEvent]]] = []
        for actor, role, events in pending:
            if groups and groups[-1][:2] == (actor, role):
                groups[-1][2].extend(events)
            else:
                groups.append((actor, role, list(events)))
        for actor, role, batch in groups:
            audit.append_many(conn, batch, actor=actor, role=role, at=self.clock())

    def audit_read(self, conn: Connection, *events: AuditEvent) -> None:
        """Journal read events (lookups, views, decrypted records) inside the caller's transaction, without
        the chain's append lock: reads never queue behind each other or a sweep. The worker seals them into
        the chain within seconds (``personvern.audit.sealer``; issue 13)."""
        if events:
            audit.log_reads(conn, events, actor=self.actor, role=self.role, at=self.clock())

    # -- plumbing ---------------------------------------------------------------------------------------

    @property
    def queries(self) -> list[str] | None:
        return self._trace_box[0]

    def _trace(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        box = self._trace_box[0]
        if box is not None:
            box.append(statement)

    @contextmanager
    def trace(self) -> Iterator[list[str]]:
        """Collect every SQL statement run on this register's engine inside the block; on an :meth:`acting`
        copy too (the copies share the engine and the trace)."""
        queries: list[str] = []
        self._trace_box[0] = queries
        try:
            yield queries
        finally:
            self._trace_box[0] = None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A transaction for reads and their journal entries only (lookups, views, decrypted records).

        On PostgreSQL its commit does not wait for the WAL flush (``synchronous_commit = off`` for this
        transaction only): a durable commit costs 2–3 ms of fdatasync on a typical disk, more than the whole
        lookup. The journal row is still written before the answer is returned and reaches disk within
        ``3 × wal_writer_delay`` (0.6 s by default); only a crash of the database server inside that window
        can lose it, never corrupt the chain (docs/security.md). Changes never run here: they commit durably.
        SQLite's WAL mode with ``synchronous=NORMAL`` already gives its commits this durability."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield conn

    def today(self) -> date:
        return self.clock().date()

    # -- subjects and identifiers -----------------------------------------------------------------------

    def add_subject(self, kind: str, identifiers: Identifiers | None = None, *, purpose: str | None = None,
                    linked_to: str | None = None, conn: Connection | None = None) -> str:
        """Create a subject with its identifiers; returns its public reference (a uuid).

        Every identifier is validated before anything is written, so bad input never leaves a half-written
        subject. A national identity number needs a ``purpose`` that declares it (TP14, PI4)."""
        if kind not in taxonomy.subjects(self.policy):
            raise RegisterError(f"unknown subject kind '{kind}' for this policy", field="kind")
        parsed = self.parse_identifiers(identifiers or {}, purpose)
        with self._conn(conn) as c:
            link = self.subject_id(c, linked_to) if linked_to else None
            ref = str(uuid.uuid4())
            sid = c.execute(insert(t.subjects).values(
                ref=ref, kind=kind, linked_to=link, created_at=self.clock(),
                last_activity=self.today()).returning(t.subjects.c.id)).scalar_one()
            key = self.keys.create_subject_keys(c, [sid])[sid]
            self._insert_identifiers(c, sid, key, parsed, purpose)
            self.audit(c, SubjectCreated(subject_ref=ref, purpose=purpose, kind=kind),
                       *_identifiers_added(ref, purpose, parsed))
        return ref

    def add_identifiers(self, subject: str, identifiers: Identifiers, *, purpose: str | None = None) -> None:
        parsed = self.parse_identifiers(identifiers, purpose)
        with self.transaction() as c:
            sid = self.subject_id(c, subject)
            self._insert_identifiers(c, sid, self.keys.subject_key(c, sid), parsed, purpose, skip_existing=True)
            self.audit(c, *_identifiers_added(subject, purpose, parsed))

    def parse_identifiers(self, identifiers: Identifiers, purpose: str | None) -> list[Identifier]:
        count = sum(1 if isinstance(values, str) else len(values) for values in identifiers.values())
        if count > MAX_IDENTIFIERS:
            raise RegisterError(f"{count} identifiers at once; at most {MAX_IDENTIFIERS} (issue 18: a request "
                                "may not write thousands of rows)", field="identifiers")
        parsed = []
        for kind, values in identifiers.items():
            for value in [values] if isinstance(values, str) else values:
                parsed.append(normalise(kind, value))
        if any(i.kind == "national_id" for i in parsed):
            allowed = self.policy.purpose(purpose) if purpose else None
            if allowed is None or "national_id" not in allowed.identifiers:
                which = f"purpose '{purpose}'" if purpose else "no purpose"
                raise NationalIdNotAllowed(
                    f"a national identity number may only be stored under a purpose that declares it "
                    f"(TP14, PI4); {which} does", field="national_id")
        return parsed

    def _insert_identifiers(self, c: Connection, sid: int, key: bytes, parsed: list[Identifier],
                            purpose: str | None, skip_existing: bool = False) -> None:
        rows = [{"subject_id": sid, "kind": i.kind, "lookup": self.keys.lookup(i.kind, i.value),
                 "value": encrypt(key, i.value.encode(), i.kind.encode()), "masked": i.masked,
                 "purpose": purpose if i.kind == "national_id" else None} for i in parsed]
        if skip_existing and rows:
            have = set(c.execute(select(t.identifiers.c.kind, t.identifiers.c.lookup)
                                 .where(t.identifiers.c.subject_id == sid)))
            rows = [r for r in rows if (r["kind"], r["lookup"]) not in have]
        unique = {(r["kind"], r["lookup"]): r for r in rows}
        if unique:
            c.execute(insert(t.identifiers), list(unique.values()))

    def find(self, kind: str, value: str, *, purpose: str | None = None) -> list[str]:
        """Subjects with this identifier, in any common format (sealed records are not subjects).

        Every search is audited as ``subject.looked_up`` with the identifier's kind (never the value), the
        purpose it was made for, and the register's actor and role (Art. 5(2), TP12); one entry per subject
        found, or one with ``found=0``."""
        ident = normalise(kind, value)
        if purpose is not None and self.policy.purpose(purpose) is None:
            raise RegisterError(f"'{purpose}' is not a purpose of this policy", field="purpose")
        with self.reading() as c:
            rows = list(c.execute(
                select(t.subjects.c.ref).join(t.identifiers, t.identifiers.c.subject_id == t.subjects.c.id)
                .where(t.identifiers.c.kind == kind, t.identifiers.c.lookup == self.keys.lookup(kind, ident.value))
                .order_by(t.subjects.c.id)).scalars())
            found = [SubjectLookedUp(subject_ref=ref, purpose=purpose, by=kind, found=len(rows)) for ref in rows]
            self.audit_read(c, *(found or [SubjectLookedUp(purpose=purpose, by=kind, found=0)]))
        return rows

    def identifiers(self, subject: str, *, masked: bool = True) -> dict[str, list[str]]:
        """A subject's identifiers, masked by default (the console shows ``010190 *****``). Unmasked, they
        are decrypted and the showing is audited as ``identifiers.shown`` (TP14, Art. 5(2))."""
        with self.engine.connect() if masked else self.reading() as c:
            sid = self.subject_id(c, subject)
            rows = c.execute(select(t.identifiers).where(t.identifiers.c.subject_id == sid)
                             .order_by(t.identifiers.c.id)).all()
            key = None if masked else self.keys.subject_key(c, sid)
            if key is not None:
                self.audit_read(c, IdentifiersShown(subject_ref=subject, kinds=_count_kinds(r.kind for r in rows)))
        out: dict[str, list[str]] = {}
        for r in rows:
            shown = r.masked if key is None else decrypt(key, r.value, r.kind.encode()).decode()
            out.setdefault(r.kind, []).append(shown)
        return out

    def subject_id(self, c: Connection, subject: str) -> int:
        sid = c.execute(select(t.subjects.c.id).where(t.subjects.c.ref == subject)).scalar()
        if sid is None:
            raise NotFound(f"no subject {subject}", field="subject")
        return int(sid)

    def subject_kind(self, subject: str) -> str:
        with self.engine.connect() as c:
            kind = c.execute(select(t.subjects.c.kind).where(t.subjects.c.ref == subject)).scalar()
        if kind is None:
            raise NotFound(f"no subject {subject}", field="subject")
        return str(kind)

    # -- records, events, retention (register/records.py, sweep.py) -------------------------------------

    def write(self, subject: str, purpose: str, categories: list[str], payload: Mapping[str, Any] | None = None,
              *, source: str = "subject", collected: date | None = None, ref: str | None = None,
              events: Mapping[str, date] | None = None, use: Use = "processing",
              conn: Connection | None = None) -> int:
        """Write a record under a purpose the policy allows; returns its id. Restricted processing (Art. 18(2))
        and a pending objection to the purpose (Art. 21(1)) are refused for ordinary use. With ``conn`` the
        write joins the caller's transaction (like ``erase(conn=...)``)."""
        return records.write(self, subject, purpose, categories, payload, source=source, collected=collected,
                             ref=ref, events=events, use=use, conn=conn)

    def read(self, subject: str, purpose: str | None = None, *, use: Use = "processing") -> list[RecordView]:
        """A subject's records (all purposes, or one). Restricted data is refused for ordinary use when the whole
        subject is restricted, and left out when single records are (Art. 18(2), TP13d)."""
        self.check_use(subject, purpose or "", use)
        return records.read(self, subject, purpose, use=use)

    def record_event(self, name: str, on: date, *, subject: str | None = None, record: int | None = None) -> None:
        records.record_event(self, name, on, subject=subject, record=record)

    def move_event(self, name: str, to: date, *, subject: str | None = None, record: int | None = None,
                   moved_from: date | None = None) -> None:
        """Give a recorded event another date (earlier or later); retention follows (register/lifecycle.py)."""
        lifecycle.move_event(self, name, to, subject=subject, record=record, moved_from=moved_from)

    def cancel_event(self, name: str, *, subject: str | None = None, record: int | None = None,
                     on: date | None = None) -> int:
        """Remove a recorded event that will not happen; retention is recomputed (register/lifecycle.py)."""
        return lifecycle.cancel_event(self, name, subject=subject, record=record, on=on)

    def move_records(self, subject: str, from_purpose: str, to: str, *, kind: str | None = None) -> list[int]:
        """Move a subject's records to the purpose a later event puts them under (``may_move_to``: a trial
        member who becomes a member), and the subject to ``kind``; retention follows (register/moves.py)."""
        return moves.move_records(self, subject, from_purpose, to, kind=kind)

    def sweep(self, as_of: date | None = None, *, dry_run: bool = False, batch: int = 1000,
              progress: Progress | None = None) -> SweepReport:
        return sweep.sweep(self, as_of, dry_run=dry_run, batch=batch, progress=progress)

    # -- holds, restriction, erasure (register/holds.py, erasure.py) -------------------------------------
    # Erasure, restriction and objection are data-subject actions: their one entry is ``personvern.rights``
    # (``rights.erase_subject``, ``rights.restrict_subject``, ``rights.handle``), which runs every step the law
    # asks for (request record, holds, sealing, suppression, Art. 19 notices, explanation, audit, ledger).

    def place_hold(self, *, subject: str | None = None, record: int | None = None, reason: str,
                   kind: holds.HoldKind = "legal_claim", by: str) -> int:
        return holds.place_hold(self, subject=subject, record=record, reason=reason, kind=kind, by=by)

    def lift_hold(self, hold_id: int, *, by: str, as_of: date | None = None) -> int:
        return holds.lift_hold(self, hold_id, by=by, as_of=as_of)

    def check_use(self, subject: str, purpose: str, use: Use = "processing", *, record: int | None = None) -> None:
        """Refuse a use Art. 18(2) does not allow: of the whole subject, or also of one ``record`` (TP13d)."""
        with self.engine.connect() as c:
            sid = self.subject_id(c, subject)
            holds.check_use(self, sid, purpose, use, record, conn=c)

    def find_sealed(self, order_number: str) -> list[RecordView]:
        return erasure.find_sealed(self, order_number)

    @contextmanager
    def _conn(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with self.engine.begin() as c:
                yield c


def _count_kinds(kinds: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _identifiers_added(ref: str, purpose: str | None, parsed: list[Identifier]) -> list[AuditEvent]:
    """``identifiers.added`` with the kinds added, or nothing when there were none (Art. 5(2))."""
    if not parsed:
        return []
    return [IdentifiersAdded(subject_ref=ref, purpose=purpose, kinds=_count_kinds(i.kind for i in parsed))]


def _key_file_beside(url: str) -> Path | None:
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") + ".key")
    return None

