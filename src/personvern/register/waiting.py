"""Records with no due date: their purpose's rule waits for an event that has not been recorded (issue 14
item 4), or for the subject to ask (``until the subject asks``, item 5), so nothing is kept silently. A rule
such as ``until customer.relationship_ended`` keeps a record for as long as the business does not record the
end; the sweep reports how many records wait, per purpose, and for which events, beside what it deletes.

One set-based query: ``SELECT purpose, count(*) ... WHERE retention_until IS NULL GROUP BY purpose`` over the
index ``(retention_until, id)``; the events come from the policy's rules, not from the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, select

from personvern.policy.retention import (
    BUILTIN_ANCHORS,
    UNTIL_ASKED,
    EarlierOf,
    LaterOf,
    Retention,
    UntilAsked,
    anchors,
    parts,
)
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.register.store import Register

r = t.records


@dataclass(frozen=True)
class Waiting:
    """``records`` of ``purpose`` have no due date; the purpose's rule waits for ``events``."""

    purpose: str
    records: int
    events: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "events": list(self.events)}


def waiting(reg: Register, scope: ColumnElement[bool] | None = None) -> list[Waiting]:
    """Per purpose, the active or sealed records with no ``retention_until``, and the events its rule awaits."""
    cond = and_(r.c.retention_until.is_(None), r.c.state.in_(("active", "sealed")))
    if scope is not None:
        cond = and_(cond, scope)
    with reg.engine.connect() as c:
        counts = c.execute(select(r.c.purpose, func.count()).where(cond).group_by(r.c.purpose)).all()
    found = []
    for purpose_key, n in sorted(counts):
        purpose = reg.policy.purpose(purpose_key)
        events = sorted(awaited(purpose.retention) - set(BUILTIN_ANCHORS)) if purpose and purpose.retention else []
        found.append(Waiting(purpose_key, int(n), tuple(events)))
    return found


def awaited(rule: Any) -> set[str]:
    """The anchors a rule can wait for: an optional part of ``later_of`` waits for nothing, and a part with a
    ``default`` waits only if the default is an event too."""
    if isinstance(rule, Retention):
        rule = rule.rule
    if isinstance(rule, LaterOf):
        return set().union(*(awaited(r) for r in rule.later_of if not getattr(r, "optional", False)))
    if isinstance(rule, UntilAsked):
        return {UNTIL_ASKED}  # kept until the subject asks (issue 14 item 5): listed, never silent
    if isinstance(rule, EarlierOf) or parts(rule):  # earlier_of, by_category, with_consent
        return set().union(*(awaited(r) for r in parts(rule)))
    return anchors(rule) if rule.default is None or rule.default not in BUILTIN_ANCHORS else set()
