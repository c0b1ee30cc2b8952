"""Breach support (Art. 33-34): who and what a personal data breach touched, and the deadline to notify.

    report = assess(reg, start, end, aware_at=now)                  # everything stored during the window
    report = assess(reg, start, end, actor="kari")                  # what a misused account reached
    report = assess(reg, start, end, records=[17, 18])              # records known to have leaked

Three scopes: the records named; the records the audit trail shows were *read* in the window (optionally by
one actor); or, by default, every record stored during the window (a copied database). The report gives the
affected subjects (count and refs), the purposes and categories involved, records the trail names that are
no longer stored, and the deadline for notifying Datatilsynet: 72 hours after the controller became aware
(Art. 33(1)). It flags when notice to the subjects themselves is likely needed (Art. 34(1): high risk):
special categories (Art. 9, Art. 10), the national identity number (personopplysningsloven § 12, TP14, PI4)
or financial and login data. The flag supports, not replaces, the privacy officer's assessment.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, String, and_, case, cast, exists, func, select

from personvern.audit._registry import read_actions
from personvern.audit.query import iter_entries
from personvern.audit.register_events import BreachAssessed
from personvern.errors import RegisterError
from personvern.policy import taxonomy
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.register.store import Register

NOTIFY_WITHIN = timedelta(hours=72)  # Art. 33(1): "not later than 72 hours after having become aware of it"
NATIONAL_ID = "user.government_id.national_identification_number"
# Art. 9(1) special categories and Art. 10 criminal offences, as keys of the fideslang taxonomy.
SPECIAL = ("user.biometric", "user.health_and_medical", "user.criminal_history", "user.demographic.political_opinion",
           "user.demographic.race_ethnicity", "user.demographic.religious_belief",
           "user.demographic.sexual_orientation")
# Not special under Art. 9, but named by EDPB Guidelines 9/2022 as raising the risk to individuals.
HIGH_RISK = ("user.financial.bank_account", "user.financial.credit_card", "user.authorization.credentials",
             "user.authorization.password")
_CHUNK = 500
r, s = t.records, t.subjects


@dataclass
class BreachReport:
    """What a breach touched and what has to be done by when (Art. 33-34)."""

    start: datetime
    end: datetime
    scope: str  # records, accessed, stored
    aware_at: datetime
    subjects: list[str] = field(default_factory=list)
    records: int = 0
    sealed: int = 0  # records detached from their subject (sealed, reduced): no subject to tell
    records_gone: list[int] = field(default_factory=list)  # named by the trail, no longer stored
    purposes: Counter[str] = field(default_factory=Counter)
    categories: list[str] = field(default_factory=list)
    special_categories: list[str] = field(default_factory=list)
    national_id: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def notify_by(self) -> datetime:
        """Datatilsynet is to be notified by then, unless the breach is unlikely to result in a risk (Art. 33(1))."""
        return self.aware_at + NOTIFY_WITHIN

    @property
    def notify_subjects_likely(self) -> bool:
        """Art. 34(1): notice to the subjects when the breach is likely to result in a high risk."""
        return bool(self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {"window": {"from": self.start.isoformat(), "to": self.end.isoformat()}, "scope": self.scope,
                "aware_at": self.aware_at.isoformat(), "notify_datatilsynet_by": self.notify_by.isoformat(),
                "subjects": {"count": len(self.subjects), "refs": self.subjects}, "records": self.records,
                "records_detached": self.sealed, "records_no_longer_stored": self.records_gone,
                "purposes": dict(sorted(self.purposes.items())), "categories": self.categories,
                "special_categories": self.special_categories, "national_id": self.national_id,
                "notify_subjects_likely": self.notify_subjects_likely, "reasons": self.reasons}


def assess(reg: Register, start: datetime, end: datetime, *, records: Iterable[int] | None = None,
           actor: str | None = None, accessed: bool = False, purposes: Iterable[str] | None = None,
           aware_at: datetime | None = None) -> BreachReport:
    """Assess a breach in the window ``[start, end)``; see the module docstring. Audited as ``breach.assessed``."""
    start, end = _aware(start, "from"), _aware(end, "to")
    if end <= start:
        raise RegisterError("the window ends before it starts", field="to")
    only = sorted(set(purposes or ()))
    if unknown := [p for p in only if reg.policy.purpose(p) is None]:
        raise RegisterError(f"'{unknown[0]}' is not a purpose of this policy", field="purpose")
    scope = "records" if records is not None else "accessed" if (accessed or actor) else "stored"
    report = BreachReport(start, end, scope, _aware(aware_at or reg.clock(), "aware_at"))
    refs: set[str] = set()
    with reg.transaction() as c:
        if scope == "stored":
            _tally_all(c, report, [r.c.collected_at < end.date() + timedelta(days=1)], only, refs)
            report.records_gone = sorted(_trail_ids(c, start, None, None, {"record.deleted"}, refs))
        else:
            ids = set(records or ()) if scope == "records" else _trail_ids(c, start, end, actor, None, refs)
            found = _tally_all(c, report, [r.c.id.in_(chunk) for chunk in _chunks(sorted(ids))], only, refs)
            report.records_gone = sorted(ids - found)
        report.subjects = sorted(refs)
        _national_id(c, report)
        reg.audit(c, BreachAssessed(subjects=len(report.subjects), records=report.records))
    _flag(report)
    return report


def _aware(value: datetime, where: str) -> datetime:
    if value.tzinfo is None:
        raise RegisterError("give a time zone (e.g. 2026-03-01T08:00+01:00)", field=where)
    return value.astimezone(UTC)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[n:n + _CHUNK] for n in range(0, len(ids), _CHUNK)]


def _trail_ids(c: Any, start: datetime, end: datetime | None, actor: str | None, actions: set[str] | None,
               refs: set[str]) -> set[int]:
    """Record ids (and subject refs) of trail entries in the window: by default the reads (looked up, viewed,
    exported, disclosed); for a stored scope the deletions since the window opened (they existed in it)."""
    wanted = actions or set(read_actions())
    ids: set[int] = set()
    for entry in iter_entries(c, since=start, until=end, actor=actor):
        if entry.action not in wanted:
            continue
        ids.update(entry.record_ids)
        if entry.subject_ref:
            refs.add(entry.subject_ref)
    return ids


def _tally_all(c: Any, report: BreachReport, clauses: list[ColumnElement[bool]], only: list[str],
               refs: set[str]) -> set[int]:
    """Count records by purpose and category combination, and collect subject refs, per clause (set-based)."""
    found: set[int] = set()
    cats: set[str] = set(report.categories)
    for clause in clauses:
        where = and_(clause, r.c.purpose.in_(only)) if only else clause
        for purpose, combo, n, detached in c.execute(
                select(r.c.purpose, cast(r.c.categories, String), func.count(),
                       func.sum(case((r.c.subject_id.is_(None), 1), else_=0)))
                .where(where).group_by(r.c.purpose, cast(r.c.categories, String))):
            report.purposes[purpose] += int(n)
            report.records += int(n)
            report.sealed += int(detached or 0)
            cats.update(_categories(combo))
        refs.update(c.execute(select(s.c.ref).distinct().join(r, r.c.subject_id == s.c.id).where(where)).scalars())
        if report.scope != "stored":
            found.update(c.execute(select(r.c.id).where(where)).scalars())
    report.categories = sorted(cats)
    return found


def _categories(combo: Any) -> list[str]:
    value = json.loads(combo) if isinstance(combo, str) else combo
    return [str(x) for x in value or []]


def _national_id(c: Any, report: BreachReport) -> None:
    """Any affected subject holding a national identity number, or a record of that category (TP14, PI4)."""
    if any(taxonomy.covers(cat, {NATIONAL_ID}) for cat in report.categories):
        report.national_id = True
        return
    i = t.identifiers
    for chunk in [report.subjects[n:n + _CHUNK] for n in range(0, len(report.subjects), _CHUNK)]:
        if c.execute(select(exists().where(i.c.kind == "national_id", i.c.subject_id == s.c.id,
                                           s.c.ref.in_(chunk)))).scalar():
            report.national_id = True
            return


def _flag(report: BreachReport) -> None:
    report.special_categories = sorted(cat for cat in report.categories if taxonomy.covers(cat, set(SPECIAL)))
    if report.special_categories:
        report.reasons.append("special categories of data (Art. 9, Art. 10): "
                              + ", ".join(report.special_categories))
    if report.national_id:
        report.reasons.append("national identity numbers (personopplysningsloven § 12): risk of identity theft")
    risky = sorted(cat for cat in report.categories if taxonomy.covers(cat, set(HIGH_RISK)))
    if risky:
        report.reasons.append("financial or login data (EDPB Guidelines 9/2022): " + ", ".join(risky))
