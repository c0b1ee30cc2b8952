"""Moving records to the purpose a later event puts them under (issue 14 item 5).

A trial member who becomes a member, a prospect who becomes a customer: the records collected under the first
purpose go on under the second, and from then on that purpose's retention rule applies. The policy says which
moves are allowed (``may_move_to``; ``personvern check`` makes sure the target collects every category the
records hold), and a move may change the subject's kind with it (``trial_member`` → ``member``). Everything is
checked before anything changes, and a refused move says which rule refused:

- the target is not in the source's ``may_move_to``;
- the subject's kind (the new one, if given) is not among the target's subjects, or another of its records
  is under a purpose that does not cover the new kind;
- the subject's processing is restricted (Art. 18(2)) or it objected to the target purpose (Art. 21(1));
- the target rests on consent alone and the subject has not given it (Art. 6(1)(a)).

One transaction: the records' purpose, the subject's kind, the recomputed retention and one ``records.moved``
audit entry (ids and keys only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import Connection, select, update

from personvern.audit._registry import AuditEvent, register_event
from personvern.errors import ConsentRequired, MoveRefused, RegisterError
from personvern.policy import taxonomy
from personvern.register import records
from personvern.register import schema as t
from personvern.register.holds import check_objection, check_use

if TYPE_CHECKING:
    from personvern.policy.model import Purpose
    from personvern.register.store import Register

__all__ = ["RecordsMoved", "move_records"]


@register_event
@dataclass(frozen=True, kw_only=True)
class RecordsMoved(AuditEvent):
    """Records moved to another purpose (``purpose``), and the subject's kind changed with them if asked."""

    name: ClassVar[str] = "records.moved"
    moved_from: str
    kind_from: str
    kind_to: str


def move_records(reg: Register, subject: str, from_purpose: str, to: str, *, kind: str | None = None) -> list[int]:
    """Move the subject's active records of ``from_purpose`` to ``to`` (and the subject to ``kind``); returns
    the record ids moved. Refused, with the reason, when the policy does not allow it."""
    source, target = _purposes(reg, from_purpose, to)
    with reg.transaction() as c:
        sid, kind_from = records.subject_row(c, subject)
        kind_to = kind or kind_from
        check_use(reg, sid, to, "processing", conn=c)
        check_objection(c, sid, to, "processing")
        _check_kind(reg, c, sid, kind_to, target, from_purpose)
        if records.consent_only(target) and not records.has_consent(c, sid, to):
            raise ConsentRequired(f"'{to}' is based on consent (Art. 6(1)(a)) and the subject has not given it: "
                                  "ask for it before moving the records", field="to")
        r = t.records.c
        ids = [int(x) for x in c.execute(select(r.id).where(
            r.subject_id == sid, r.purpose == source.key, r.state == "active").order_by(r.id)).scalars()]
        if not ids:
            raise MoveRefused(f"the subject has no records of '{from_purpose}' to move", field="from_purpose")
        c.execute(update(t.records).where(r.id.in_(ids)).values(purpose=to, updated_at=reg.clock()))
        if kind_to != kind_from:
            c.execute(update(t.subjects).where(t.subjects.c.id == sid).values(kind=kind_to))
        reg.audit(c, RecordsMoved(subject_ref=subject, purpose=to, record_ids=tuple(ids), moved_from=from_purpose,
                                  kind_from=kind_from, kind_to=kind_to))
        records.recompute(reg, c, record_ids=ids)
    return ids


def _purposes(reg: Register, from_purpose: str, to: str) -> tuple[Purpose, Purpose]:
    source, target = reg.policy.purpose(from_purpose), reg.policy.purpose(to)
    if source is None:
        raise RegisterError(f"'{from_purpose}' is not a purpose of this policy", field="from_purpose")
    if target is None:
        raise RegisterError(f"'{to}' is not a purpose of this policy", field="to")
    if to not in source.may_move_to:
        allowed = ", ".join(source.may_move_to) or "nowhere"
        raise MoveRefused(f"'{from_purpose}' may not move to '{to}': the policy's may_move_to allows {allowed}",
                          field="to")
    return source, target


def _check_kind(reg: Register, c: Connection, sid: int, kind: str, target: Purpose, leaving: str) -> None:
    """The subject's kind after the move is one the target covers, and every purpose it stays under."""
    if kind not in taxonomy.subjects(reg.policy):
        raise RegisterError(f"unknown subject kind '{kind}' for this policy", field="kind")
    if kind not in target.subjects:
        raise MoveRefused(f"'{target.key}' covers {', '.join(target.subjects)}, not '{kind}': give the kind the "
                          "subject becomes", field="kind")
    r = t.records.c
    staying = set(c.execute(select(r.purpose).where(r.subject_id == sid, r.state == "active",
                                                    r.purpose != leaving).distinct()).scalars())
    for key in sorted(staying):
        p = reg.policy.purpose(key)
        if p is not None and kind not in p.subjects:
            raise MoveRefused(f"the subject also has records of '{key}', which does not cover '{kind}' subjects: "
                              "move or erase them first", field="kind")
