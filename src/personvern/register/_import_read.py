"""Reading an import file safely (issue 18): encodings, limits and the shape of each value, line by line.

What a business exports is what Norwegian Excel writes: Windows-1252 (a superset of Latin-1 for æøå) or
UTF-8, with or without a byte-order mark, ``,`` or ``;`` between fields. :func:`encoding_of` detects it (a
BOM, else UTF-8 if the whole file decodes, else Windows-1252) unless ``--encoding`` names one. :func:`lines`
yields the file's text a physical line at a time and refuses, as ``(line, field, reason)``, a line that is
not text in that encoding, holds a NUL byte or is longer than :data:`MAX_LINE_CHARS`; a refused line is
replaced by a blank one so line numbers stay true. :func:`check_row` refuses a row nested deeper than
:data:`MAX_DEPTH`, a text longer than :data:`MAX_FIELD_CHARS`, a NUL inside a value, and an object or list
where a name, an identifier or another single value belongs.

The checks run per line and per row, so the streaming import (``register.ingest``) calls them as it reads.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from personvern.errors import ImportRowError
from personvern.register.identifiers import KINDS

__all__ = ["MAX_DEPTH", "MAX_FIELD_CHARS", "MAX_LINE_CHARS", "Bad", "check_row", "delimiter_of", "encoding_of",
           "lines", "parse_json"]

MAX_LINE_CHARS = 100_000  # a customer with all their records is a few kB; a longer line is not a row
MAX_FIELD_CHARS = 10_000  # one value: a note, an address, a name
MAX_DEPTH = 16  # a payload of objects in objects: real ones are 2-3 deep
Bad = Callable[[int, str, str], None]  # (line, field, reason)
_SINGLE = ("id", "kind", "subject", "purpose", "source", "ref", "event", "date", "collected",
           "national_id_purpose")


def encoding_of(path: Path, asked: str | None = None) -> str:
    """The file's encoding: ``asked`` if given (checked to be one Python knows), else detected."""
    if asked:
        try:
            return codecs.lookup(asked).name
        except LookupError:
            raise ImportRowError(f"unknown encoding '{asked}'; e.g. utf-8, cp1252 or latin-1", line=0,
                                 field="--encoding") from None
    with path.open("rb") as f:
        start = f.read(3)
        if start == codecs.BOM_UTF8:
            return "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(start)
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"  # what Excel writes with a Norwegian locale; Latin-1's letters are the same
    return "utf-8"


def lines(path: Path, encoding: str, bad: Bad) -> Iterator[str]:
    """The text of ``path`` line by line (newlines kept), each refused line reported and blanked."""
    first = True
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if first and encoding == "utf-8-sig":
                raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
            if len(raw) > MAX_LINE_CHARS * 4 or b"\x00" in raw:
                bad(number, "-", "the line holds a NUL byte" if b"\x00" in raw else
                    f"the line is longer than {MAX_LINE_CHARS:,} characters")
                yield "\n"
                continue
            try:
                text = raw.decode(encoding.removesuffix("-sig") if encoding == "utf-8-sig" else encoding)
            except UnicodeDecodeError as exc:
                bad(number, "-", f"not {encoding} text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                                 "give the file's encoding with --encoding")
                yield "\n"
                continue
            if len(text) > MAX_LINE_CHARS:
                bad(number, "-", f"the line is longer than {MAX_LINE_CHARS:,} characters")
                yield "\n"
                continue
            yield text


def delimiter_of(header: str, known: Callable[[str], bool]) -> str:
    """``;`` when the header splits into more known columns on ``;`` than on ``,`` (Norwegian Excel)."""
    def score(sep: str) -> int:
        return sum(known(c.strip().strip('"')) for c in header.split(sep))

    return ";" if score(";") > score(",") else ","


def parse_json(text: str) -> Any:
    """``json.loads`` with nesting past Python's recursion limit reported as a ValueError, not a crash."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None


def check_row(row: dict[str, Any]) -> tuple[str, str] | None:
    """The first problem of a row in the JSON Lines shape as ``(field, reason)``, or None."""
    for key in (*_SINGLE, *KINDS):
        if key not in row:
            continue
        value = row[key]
        values: Iterable[Any] = value if key in KINDS and isinstance(value, list) else [value]
        if any(isinstance(v, dict | list) for v in values):
            return key, "must be a single value (text), not an object or a list"
    payload = row.get("payload")
    if isinstance(payload, dict):
        for key, value in payload.items():
            if str(key).startswith("user.") and isinstance(value, dict | list):
                return f"payload.{key}", "must be a single value (text), not an object or a list"
    return _check_value(row, "", 0)


def _check_value(value: Any, where: str, depth: int) -> tuple[str, str] | None:
    if depth > MAX_DEPTH:
        return where or "-", f"nested deeper than {MAX_DEPTH} levels"
    if isinstance(value, str):
        if len(value) > MAX_FIELD_CHARS:
            return where or "-", f"longer than {MAX_FIELD_CHARS:,} characters"
        if "\x00" in value:
            return where or "-", "holds a NUL character"
        return None
    items: Iterable[tuple[str, Any]] = ()
    if isinstance(value, dict):
        items = ((f"{where}.{k}" if where else str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(value))
    for path, item in items:
        found = _check_value(item, path, depth + 1)
        if found:
            return found
    return None
