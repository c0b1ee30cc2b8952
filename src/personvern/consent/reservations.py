"""Reservasjonsregisteret: load the bought file, keep keyed hashes only, record the wash.

The business buys Brønnøysundregistrene's register as a file delivery and may use it only to update its
marketing lists (forskrift 2009-06-05-598). Lists are washed no more than one month before use
(markedsføringsloven §§ 12–13; ``settings.reservation_wash_max_age_days``), so each import *replaces* the
previous wash and records its date, the file's SHA-256 and the number of entries.

File format (UTF-8 CSV with a header line; the converted content of the delivery)::

    kind,value,channels
    phone,+47 975 27 747,phone
    phone,97527748,phone;post
    address,"Storgata 1, 0155 Oslo",post

- ``kind``: ``phone`` or ``address``;
- ``value``: a phone number in any common format (normalised to E.164 as the register does), or a postal
  address (case-folded, whitespace and commas collapsed);
- ``channels``: ``phone`` and/or ``post``, separated by ``;``, ``|`` or spaces.

Nothing is written unless every line is valid; a bad line is reported as ``FILE:LINE: field: reason``.
Values are never stored in clear: only ``reg.keys.lookup(kind, normalised value)``.

The register keeps no postal addresses as identifiers, so address entries are stored (and counted) but only
phone entries can match a subject today.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert

from personvern.consent._audit import ReservationsWashed
from personvern.consent.suppression import normalised
from personvern.errors import RegisterError
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.register.store import Register

COLUMNS = ("kind", "value", "channels")
RESERVABLE = ("phone", "post")


@dataclass(frozen=True)
class WashReport:
    wash_id: int
    washed_at: datetime
    file_sha256: str
    entries: int  # distinct reservations stored
    lines: int  # data lines read


class ReservationFileError(RegisterError):
    """Lines of a reservation file were refused; ``problems`` lists each as ``FILE:LINE: field: reason``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        super().__init__("\n".join(shown), field=None)


def parse(path: Path, data: bytes) -> tuple[dict[tuple[str, str], set[str]], int, list[str]]:
    """(kind, normalised value) -> channels, the number of data lines, and the problems found."""
    problems: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return {}, 0, [f"{path}:1: file: not UTF-8 ({exc.reason})"]
    rows = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(rows, [])]
    if header != list(COLUMNS):
        return {}, 0, [f"{path}:1: header: expected '{','.join(COLUMNS)}', got '{','.join(header)}'"]
    found: dict[tuple[str, str], set[str]] = {}
    lines = 0
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        lines += 1
        if len(row) != 3:
            problems.append(f"{path}:{line}: line: expected 3 columns (kind,value,channels), got {len(row)}")
            continue
        kind, value, channels = (cell.strip() for cell in row)
        chans = set(channels.replace(";", " ").replace("|", " ").split())
        if kind not in ("phone", "address"):
            problems.append(f"{path}:{line}: kind: must be phone or address, not '{kind[:20]}'")
        elif not chans or not chans <= set(RESERVABLE):
            problems.append(f"{path}:{line}: channels: must be phone and/or post, separated by ';'")
        else:
            try:
                key = (kind, normalised(kind, value))
            except RegisterError as exc:
                problems.append(f"{path}:{line}: value: {str(exc).split(': ', 1)[-1]}")
                continue
            found.setdefault(key, set()).update(chans)
    return found, lines, problems


def import_reservations(reg: Register, path: str | Path, *, by: str) -> WashReport:
    """Replace the reservations with the file's (one transaction) and record the wash."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegisterError(f"cannot read {path}: {exc.strerror}", field="file") from None
    found, lines, problems = parse(path, data)
    if problems:
        raise ReservationFileError(problems)
    digest = hashlib.sha256(data).hexdigest()
    now = reg.clock()
    with reg.transaction() as c:
        wash_id = int(c.execute(insert(t.reservation_washes).values(
            washed_at=now, file_sha256=digest, entries=len(found), actor=by[:64])
            .returning(t.reservation_washes.c.id)).scalar_one())
        c.execute(delete(t.reservations))
        rows = [{"kind": kind, "lookup": reg.keys.lookup(kind, value),
                 "channels": ",".join(sorted(chans)), "wash_id": wash_id}
                for (kind, value), chans in found.items()]
        for start in range(0, len(rows), 5000):
            c.execute(insert(t.reservations), rows[start:start + 5000])
        reg.audit(c, ReservationsWashed(wash_id=wash_id, entries=len(found)))
    return WashReport(wash_id, now, digest, len(found), lines)
