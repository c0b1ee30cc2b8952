"""The record of processing as an Excel workbook, the format of Datatilsynet's template.

A bold header row on a tinted fill, wrapped text, column widths by content, the header frozen, an autofilter,
and every cell that says ``MANGLER / MISSING`` highlighted so a reviewer finds the gaps.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any


def workbook_bytes(rows: Sequence[Any], columns: Sequence[Any], lang: str, missing: str) -> bytes:
    """An .xlsx file: one sheet, a header row and one row per processing activity.

    openpyxl (and the numpy and Pillow it pulls in) is imported here, when a workbook is asked for: every
    process imports ``personvern.notice`` for its wording, and ~40 MB of RSS is too much for that (issue 13)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill, missing_fill = PatternFill("solid", fgColor="DCE6F1"), PatternFill("solid", fgColor="F8CBAD")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = "Protokoll" if lang != "en" else "Record"
    headers = [col.header(lang) for col in columns] + ["Mangler / Missing"]
    ws.append(headers)
    for row in rows:
        ws.append([row.cells[col.key] for col in columns] + [", ".join(row.missing)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = wrap
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
            if isinstance(cell.value, str) and missing in cell.value:
                cell.fill = missing_fill
    for i, header in enumerate(headers, start=1):
        longest = max([len(header)] + [len(str(c.value or "")) for c in ws[get_column_letter(i)][1:]])
        ws.column_dimensions[get_column_letter(i)].width = max(14, min(60, longest * 0.9 + 2))
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
