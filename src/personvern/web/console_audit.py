"""The audit log page of the console (Art. 5(2)): filters by person, staff member, event and dates; keyset paging;
the filtered view as CSV. Reads through ``personvern.audit.entries``; shows names, never codes.

The person filter takes what an officer has in hand (a phone number in any format, an e-mail, a customer
number, or the customer's id from a link) and finds the customer with the same lookup the agents use; the
lookup itself is audited. Dates are Oslo days: "from 1 March" starts at 00:00 Oslo time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from personvern import audit
from personvern.errors import PersonvernError
from personvern.localtime import OSLO, local_time
from personvern.register import Register
from personvern.web.auth import Principal, acting_register, require_page
from personvern.web.i18n import lang_of, page, translate
from personvern.web.words import EVENTS_EN, event_name

router = APIRouter(include_in_schema=False)
OFFICER = require_page("privacy_officer")
PAGE = 50
UUID_LENGTH = 36


@dataclass
class Filters:
    person: str = ""
    staff: str = ""
    kind: str = ""
    start: date | None = None
    end: date | None = None
    subject_ref: str | None = None
    subject_name: str | None = None
    unknown_person: bool = False

    def query(self) -> dict[str, Any]:
        """The filters as ``audit.entries`` keywords (Oslo days as UTC moments; ``end`` inclusive)."""
        return {
            "subject_ref": self.subject_ref, "actor": self.staff or None,
            "actions": [self.kind] if self.kind else None,
            "since": datetime.combine(self.start, time.min, tzinfo=OSLO) if self.start else None,
            "until": datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=OSLO) if self.end else None,
        }

    def params(self) -> dict[str, str]:
        values = {"person": self.person, "staff": self.staff, "kind": self.kind,
                  "from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else ""}
        return {k: v for k, v in values.items() if v}


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filters(reg: Register, person: str, staff: str, kind: str, start: str | None, end: str | None) -> Filters:
    from personvern.service.lookup import lookup
    from personvern.web.console import service_purpose

    found = Filters(person.strip(), staff.strip(), kind if kind in EVENTS_EN else "", _day(start), _day(end))
    if not found.person:
        return found
    if len(found.person) == UUID_LENGTH and found.person.count("-") == 4:
        found.subject_ref = found.person  # a link from a row: the id itself (an erased customer has no other)
        return found
    try:
        hits = [h for h in lookup(reg, found.person, purpose=service_purpose(reg)) if h.subject]
    except PersonvernError:
        hits = []
    if not hits:
        found.unknown_person = True
        found.subject_ref = "-"  # matches nothing: an unknown person shows an empty log, not everybody's
        return found
    found.subject_ref, found.subject_name = hits[0].subject, hits[0].name
    return found


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, who: Annotated[Principal, Depends(OFFICER)], person: str = "", staff: str = "",
               kind: str = "", before: int | None = None) -> Response:
    """The newest entries first, PAGE at a time; ``before`` is the keyset of the next page (``from``/``to``
    are Oslo dates)."""
    from personvern.web.auth import list_staff_users

    reg = acting_register(request, who)
    lang = lang_of(request)
    q = request.query_params
    chosen = _filters(reg, person, staff, kind, q.get("from"), q.get("to"))
    with reg.engine.connect() as c:
        rows = audit.entries(c, **chosen.query(), limit=PAGE + 1, newest_first=True, before_seq=before)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    names = {p.key: p.name(lang) for p in reg.policy.purposes}
    kinds = sorted(((k, event_name(k, lang)) for k in EVENTS_EN), key=lambda kv: kv[1])
    return page(request, "console/audit.html", {
        "area": "console", "home": "/console", "who": who, "active": "audit", "rows": rows, "f": chosen,
        "more": more, "next_before": rows[-1].seq if more and rows else None, "before": before,
        "purpose_name": lambda key: names.get(key, key) if key else "",
        "event_name": lambda action: event_name(action, lang),
        "role_name": lambda role: translate(lang, f"role.{role}") if f"role.{role}" in _ROLE_KEYS else role,
        "kinds": kinds, "staff_users": [u.username for u in list_staff_users(reg)],
        "params": chosen.params(),
    }, title=translate(lang, "nav.audit"))


_ROLE_KEYS = {"role.agent", "role.privacy_officer", "role.admin", "role.subject", "role.system", "role.worker",
              "role.cli"}


@router.get("/audit.csv")
def audit_export(request: Request, who: Annotated[Principal, Depends(OFFICER)], person: str = "", staff: str = "",
                 kind: str = "") -> Response:
    """The filtered view, every entry (fetched by keyset in pages), for a spreadsheet: UTF-8 with BOM and ``;``
    (Norwegian Excel), times in Oslo, names as on the page."""
    reg = acting_register(request, who)
    lang = lang_of(request)
    q = request.query_params
    chosen = _filters(reg, person, staff, kind, q.get("from"), q.get("to"))
    names = {p.key: p.name(lang) for p in reg.policy.purposes}
    header = ["#", translate(lang, "col.when"), translate(lang, "col.by"), translate(lang, "audit.kind"),
              translate(lang, "col.purpose"), translate(lang, "audit.customer")]

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        yield "\ufeff" + buffer.getvalue()
        before = None
        while True:
            with reg.engine.connect() as c:
                batch = audit.entries(c, **chosen.query(), limit=1000, newest_first=True, before_seq=before)
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
            for e in batch:
                writer.writerow([e.seq, local_time(e.at, lang), f"{e.actor} ({translate(lang, 'role.' + e.role)})",
                                 event_name(e.action, lang), names.get(e.purpose or "", e.purpose or ""),
                                 e.subject_ref or ""])
            yield buffer.getvalue()
            if len(batch) < 1000:
                return
            before = batch[-1].seq

    name = "logg" if lang == "nb" else "audit-log"
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
