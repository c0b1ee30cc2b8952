"""The retention sweep of a business database: due rows computed in SQL, deleted in keyset batches.

A row is due when its purpose's retention rule has ended on ``as_of``. The rule's anchors are the mapping's
event columns (``order_order.date_placed`` is ``purchase.completed``), found on the row's own table or along
its links (an order line is dated by its order, an order's billing address by the order that owns it).
Each leaf rule turns into a cut-off date, so the predicate the database evaluates is a plain comparison per
row: ``36 months after purchase.completed`` on 2026-12-04 is ``date_placed < 2023-12-05`` (the cut-off is
found by bisection over the same date arithmetic the register uses, ``policy/retention.py``, so the sweep and
the register cannot disagree); ``later_of`` is AND, ``earlier_of`` is OR, a NULL anchor is never due.

Tables go children and owned rows first (lines before orders, addresses before the orders that own them);
each batch — ``SELECT`` the next keys after the last one, detach what points at them, ``DELETE`` — is one
transaction, so a sweep killed half-way leaves whole batches and the next run goes on where it stopped. Rows
nothing points at go with one ``DELETE ... WHERE key IN (SELECT key ... LIMIT n)`` per batch instead.
A purpose whose ``then`` is reduce clears the personal columns instead; review and hand_over are counted only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, and_, delete, func, or_, select, true, update
from sqlalchemy.sql.elements import ColumnElement

from personvern.datastores._graph import Bound
from personvern.datastores.access import link_order
from personvern.datastores.erasure import clear_value
from personvern.errors import DatastoreError
from personvern.policy.datastores import TableMap
from personvern.policy.model import Policy
from personvern.policy.retention import (
    UNTIL_ASKED,
    After,
    ByCategory,
    EarlierOf,
    Facts,
    LaterOf,
    Retention,
    Statute,
    Until,
    UntilAsked,
    WithConsent,
    anchors,
    parse_year_end,
    retention_end,
    rules_of,
)

__all__ = ["SweepResult", "TableSweep", "due_clause", "sweep"]

Clause = ColumnElement[bool]
_EARLY = date(1900, 1, 1)


@dataclass
class TableSweep:
    table: str
    purpose: str
    rule: str
    action: str
    due: int = 0
    done: int = 0
    skipped: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"table": self.table, "purpose": self.purpose, "rule": self.rule, "action": self.action,
                "due": self.due, "done": self.done, "skipped": self.skipped}


@dataclass
class SweepResult:
    datastore: str
    as_of: date
    dry_run: bool
    tables: list[TableSweep] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"datastore": self.datastore, "as_of": self.as_of.isoformat(), "dry_run": self.dry_run,
                "tables": [t.as_json() for t in self.tables]}


def cutoff(end: Callable[[date], date], as_of: date) -> date:
    """The first event date whose retention end falls after ``as_of``: rows dated before it are due.
    ``end`` is non-decreasing in the event date, so bisection finds it exactly."""
    lo, hi = date(1900, 1, 1).toordinal(), (as_of + timedelta(days=1)).toordinal()
    while lo < hi:
        mid = (lo + hi) // 2
        if end(date.fromordinal(mid)) > as_of:
            hi = mid
        else:
            lo = mid + 1
    return date.fromordinal(lo)


class _Due:
    """Builds the due predicate of one table: anchors resolved to event columns on it or along its links.

    Each leaf's cut-off is found by bisection over ``policy.retention.retention_end`` itself (Regulation
    1182/71 counting, accounting year ends, ``until`` the day after the event), so the sweep cannot drift from
    the register's rules."""

    def __init__(self, b: Bound, as_of: date, year_end: tuple[int, int] = (12, 31)) -> None:
        self.b, self.as_of, self.year_end = b, as_of, year_end

    def _end(self, rule: Any, anchor: str, day: date) -> date:
        """The rule's end with ``anchor`` on ``day`` and every other anchor long past."""
        events = dict.fromkeys(anchors(rule), _EARLY)
        events[anchor] = day
        facts = Facts(collected=day if anchor == "collection" else _EARLY, events=events,
                      last_activity=day if anchor == "last_activity" else None, year_end=self.year_end)
        end = retention_end(rule, facts)
        return end if end is not None else date.max

    def _leaf(self, name: str, rule: Any, anchor: str) -> Clause | None:
        return self.before(name, anchor, cutoff(lambda d: self._end(rule, anchor, d), self.as_of))

    def rule(self, name: str, rule: Any) -> Clause | None:
        if isinstance(rule, Retention):
            rule = rule.rule
        if isinstance(rule, After | Statute):
            return self._leaf(name, rule, rule.after)
        if isinstance(rule, Until):
            happened = self._leaf(name, rule, rule.until)
            if happened is None or rule.at_least is None:
                return happened
            floor = self._leaf(name, rule, "collection")
            return None if floor is None else and_(happened, floor)
        if isinstance(rule, LaterOf):
            parts = [self.rule(name, r) for r in rule.later_of]
            return None if any(p is None for p in parts) else and_(*[p for p in parts if p is not None])
        if isinstance(rule, EarlierOf):
            found = [p for p in (self.rule(name, r) for r in rule.earlier_of) if p is not None]
            return or_(*found) if found else None
        raise TypeError(f"not a retention rule: {rule!r}")

    def before(self, name: str, anchor: str, day: date, seen: frozenset[str] = frozenset()) -> Clause | None:
        """Rows of ``name`` whose ``anchor`` date is before ``day``: on the table, or through a link."""
        t = self.b.maps[name]
        table = self.b.table(name)
        own = self._column(t, anchor)
        if own is not None:
            return own < _bound(own, day)  # type: ignore[no-any-return]
        seen = seen | {name}
        for e in self.b.edges:
            if e.kind == "belongs_to" and e.source == name and e.target not in seen:
                inner = self.before(e.target, anchor, day, seen)
                if inner is not None:
                    parent = self.b.table(e.target)
                    return table.c[e.column].in_(select(parent.c[e.to]).where(inner))
            if e.kind == "owns" and e.target == name and e.source not in seen:
                inner = self.before(e.source, anchor, day, seen)
                if inner is not None:
                    owner = self.b.table(e.source)
                    return table.c[e.to].in_(select(owner.c[e.column]).where(inner))
        return None

    def _column(self, t: TableMap, anchor: str) -> Any:
        table = self.b.table(t.table)
        cols = {event: column for column, event in t.events.items()}
        if anchor in cols:
            column = table.c[cols[anchor]]
            if anchor == "last_activity" and "collection" in cols:
                return func.coalesce(column, table.c[cols["collection"]])
            return column
        if anchor == "last_activity" and "collection" in cols:
            return table.c[cols["collection"]]
        return None


def _bound(column: Any, day: date) -> Any:
    """The cut-off as the column's type wants it: midnight UTC for timestamps (aware where it has a zone)."""
    kind = getattr(column, "type", None)
    if isinstance(kind, DateTime):
        at = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return at if kind.timezone else at.replace(tzinfo=None)
    return day


def due_clause(b: Bound, policy: Policy, t: TableMap, as_of: date) -> tuple[Clause | None, str]:
    """The predicate of due rows of ``t``, or None and why the table cannot be swept."""
    purpose = policy.purpose(t.purpose)
    if purpose is None or purpose.retention is None:
        return None, f"purpose '{t.purpose}' declares no retention"
    shaped = [kind.__name__ for kind in (ByCategory, WithConsent, UntilAsked) if rules_of(purpose.retention, kind)]
    if shaped:
        return None, (f"the rule is a {shaped[0]} rule (issue 14 item 5: chosen by a record's category, extended by "
                      "a consent, or kept until the subject asks), which the sweep of a business database does not "
                      "evaluate: its rows are kept")
    if _fallback(purpose.retention.rule):
        return None, ("the rule has an optional part or a default anchor (issue 14 item 4), which the sweep of a "
                      "business database does not evaluate yet: its rows are kept")
    clause = _Due(b, as_of, parse_year_end(policy.settings.accounting_year_end)).rule(t.table, purpose.retention)
    if clause is None:
        return None, "no mapped event column dates the rule's anchors (events:)"
    return clause, ""


def _fallback(rule: Any) -> bool:
    """Whether a part of the rule says what happens while its event is not recorded (optional, default)."""
    if isinstance(rule, After | Until | Statute):
        return rule.optional or rule.default is not None
    parts = rule.later_of if isinstance(rule, LaterOf) else rule.earlier_of if isinstance(rule, EarlierOf) else []
    return any(_fallback(r) for r in parts)


def _rule_text(policy: Policy, t: TableMap) -> str:
    purpose = policy.purpose(t.purpose)
    if purpose is None or purpose.retention is None:
        return ""
    return rule_text(purpose.retention.rule)


def rule_text(rule: Any) -> str:
    """A rule in the sentence form the policy writes."""
    if isinstance(rule, After):
        return f"{rule.period.text} after {'end of year of ' if rule.counted == 'end_of_year' else ''}{rule.after}"
    if isinstance(rule, Statute):
        return f"{rule.statute} after {rule.after}"
    if isinstance(rule, Until):
        return f"until {rule.until}" + (f", at least {rule.at_least.text}" if rule.at_least else "")
    if isinstance(rule, UntilAsked):
        return UNTIL_ASKED
    if isinstance(rule, ByCategory):
        return "by category: " + "; ".join(f"{key}: {rule_text(r)}" for key, r in rule.by_category.items())
    if isinstance(rule, WithConsent):
        return f"{rule_text(rule.ordinarily)}, with consent to {rule.consent} {rule_text(rule.with_consent)}"
    parts = rule.later_of if isinstance(rule, LaterOf) else rule.earlier_of
    word = "later" if isinstance(rule, LaterOf) else "earlier"
    return f"the {word} of " + " and ".join(f"({rule_text(r)})" for r in parts)


def sweep(b: Bound, policy: Policy, as_of: date, *, dry_run: bool = False, plan: bool = False,
          batch: int = 5000) -> SweepResult:
    """Delete (or reduce) every due row; ``dry_run`` counts per table and rule; ``plan`` returns the SQL."""
    if b.store.read_only and not (dry_run or plan):
        raise DatastoreError(f"datastore '{b.store.name}' is declared read_only: access only", field="read_only")
    result = SweepResult(b.store.name, as_of, dry_run or plan)
    for name in reversed(link_order(b)):
        t = b.maps[name]
        purpose = policy.purpose(t.purpose)
        action = purpose.retention.then if purpose is not None and purpose.retention is not None else "delete"
        entry = TableSweep(name, t.purpose, _rule_text(policy, t), action)
        result.tables.append(entry)
        clause, entry.skipped = due_clause(b, policy, t, as_of)
        if clause is None:
            continue
        key = b.key(name)
        if plan:
            result.statements.append(str(select(key).where(clause).compile(
                dialect=b.engine.dialect, compile_kwargs={"literal_binds": True})) + ";")
            continue
        if dry_run or action in ("review", "hand_over"):
            with b.engine.connect() as c:
                entry.due = int(c.execute(select(func.count()).select_from(b.table(name)).where(clause))
                                .scalar_one())
            continue
        entry.done = entry.due = _run(b, t, clause, action, batch,
                                      purpose.retention.keep if purpose and purpose.retention else [])
    return result


def _run(b: Bound, t: TableMap, clause: Clause, action: str, batch: int, keep: list[str]) -> int:
    table, key = b.table(t.table), b.key(t.table)
    edges = [e for e in b.pointing_at(t.table) if b.col(e.source, e.column).nullable and e.source != t.table]
    if action == "delete" and not edges and b.dialect != "mysql":
        return _delete_in_place(b, t, clause, batch)
    done, last = 0, None
    while True:
        q = select(key).where(clause, key > last if last is not None else true()).order_by(key).limit(batch)
        with b.engine.begin() as c:
            keys = list(c.execute(q).scalars())
            if not keys:
                return done
            for e in edges:
                column = b.col(e.source, e.column)
                targets = keys if e.to == t.key else select(table.c[e.to]).where(key.in_(keys))
                c.execute(update(b.table(e.source)).where(column.in_(targets)).values({e.column: None}))
            if action == "reduce":
                values = {col.name: clear_value(t, col, "null") for col in table.columns
                          if t.column_action(col.name) is not None and t.columns.get(col.name) not in keep
                          and col.name != t.key}
                c.execute(update(table).where(key.in_(keys)).values(values))
            else:
                c.execute(table.delete().where(key.in_(keys)))
        done += len(keys)
        last = keys[-1]
        if len(keys) < batch:
            return done




def _delete_in_place(b: Bound, t: TableMap, clause: Clause, batch: int) -> int:
    """Rows nothing points at: one ``DELETE ... WHERE key IN (SELECT key ... LIMIT n)`` per batch (MariaDB
    refuses LIMIT in such a subquery and takes the two-statement path)."""
    table, key = b.table(t.table), b.key(t.table)
    done = 0
    while True:
        with b.engine.begin() as c:
            n = c.execute(delete(table).where(key.in_(select(key).where(clause).order_by(key).limit(batch)))).rowcount
        done += n
        if n < batch:
            return done
