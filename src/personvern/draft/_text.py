"""Read a privacy notice (plain text, Markdown, HTML or PDF) into numbered lines and sentences.

Every sentence keeps the line of the notice it starts on, so each item of a draft can say where it came from.
HTML is read with the standard library's ``html.parser`` (line numbers are those of the HTML source); a PDF is
read with pypdf, imported only when a PDF is given (the ``pdf`` extra), and numbered by its extracted text lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from personvern.errors import PersonvernError

# Abbreviations after which a full stop does not end a sentence (nb and en legal prose).
_ABBREV = ("f.eks", "eks", "jf", "nr", "art", "bl.a", "m.m", "mv", "ca", "evt", "iht", "osv", "pkt", "e.g", "i.e",
           "no", "ref", "tlf", "inkl", "dvs", "mnd", "kap", "st", "s.k", "ev", "vs")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"«(]?[A-ZÆØÅ0-9])")
_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article", "header",
           "footer", "table", "ul", "ol", "dt", "dd", "blockquote", "address", "td", "th"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class NoticeError(PersonvernError):
    """The notice cannot be read (missing file, unknown format, PDF support not installed)."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of the notice with the line it starts on."""

    line: int
    text: str
    heading: bool = False  # a line that reads as a heading (short, no full stop)
    item: bool = False  # a list item (bullet or number)

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass
class Notice:
    """The notice as numbered lines and the sentences found in them."""

    path: str
    lines: list[tuple[int, str]]
    sentences: list[Sentence] = field(default_factory=list)

    def at(self, line: int) -> list[Sentence]:
        return [s for s in self.sentences if s.line == line]


def read_notice(path: str | Path) -> Notice:
    """Read a notice file; the format is chosen by the file's suffix (.pdf, .html/.htm, anything else text)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".pdf":
        lines = _pdf_lines(file)
    else:
        try:
            raw = file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise NoticeError(f"{file}: cannot read: {exc.strerror}") from None
        if suffix in (".html", ".htm", ".xhtml") or raw.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
            lines = html_lines(raw)
        else:
            lines = [(n, _markdown(text)) for n, text in enumerate(raw.splitlines(), start=1)]
    return from_lines(str(file), lines)


def from_lines(path: str, lines: list[tuple[int, str]]) -> Notice:
    kept = [(n, t) for n, t in lines if t.strip(_SOFT).strip()]
    notice = Notice(path, [(n, t.lstrip(_SOFT)) for n, t in kept])
    notice.sentences = list(_sentences(kept))
    return notice


def _markdown(text: str) -> str:
    """Plain text of a Markdown line: headings, emphasis, links and table pipes removed."""
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    if text.strip().startswith("|"):
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        text = "" if all(set(c) <= set("-: ") for c in cells) else ". ".join(c for c in cells if c)
    return text


_SOFT = "\x00"  # marks a line that continues the previous one (the same HTML block)


class _HTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._chunks: list[tuple[int, str]] = []  # (source line where the chunk starts, text)
        self._skip = 0

    def _flush(self) -> None:
        pieces: list[tuple[int, str]] = []
        for line, chunk in self._chunks:
            for n, part in enumerate(chunk.split("\n")):
                if n or not pieces or pieces[-1][0] != line:
                    pieces.append((line + n, part))
                else:
                    pieces[-1] = (line, pieces[-1][1] + part)
        first = True
        for line, part in pieces:
            text = " ".join(part.split())
            if text and text != "•":
                self.blocks.append((line, text if first else _SOFT + text))
                first = False
            elif text == "•":
                self._pending_bullet(line)
        self._chunks = []

    def _pending_bullet(self, line: int) -> None:
        self.blocks.append((line, "•"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCKS:
            self._flush()
            if tag == "li":
                self._chunks.append((self.getpos()[0], "• "))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._chunks.append((self.getpos()[0], data))


def html_lines(raw: str) -> list[tuple[int, str]]:
    """Text blocks of an HTML page with the source line each starts on; scripts and styles left out."""
    parser = _HTML()
    parser.feed(raw)
    parser.close()
    parser._flush()
    return parser.blocks


def _pdf_lines(file: Path) -> list[tuple[int, str]]:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise NoticeError("reading PDF needs pypdf: pip install 'personvern[pdf]'") from None
    try:
        reader = PdfReader(str(file))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except OSError as exc:
        raise NoticeError(f"{file}: cannot read: {exc.strerror}") from None
    except Exception as exc:  # pypdf raises its own errors for broken files
        raise NoticeError(f"{file}: not a readable PDF ({exc})") from None
    return list(enumerate(text.splitlines(), start=1))


Marks = list[tuple[int, int]]  # (offset in the joined text, notice line) where each joined line starts


def _joined(lines: list[tuple[int, str]]) -> list[tuple[int, str, Marks]]:
    """Join a line broken mid-sentence with the next: a lower-case continuation, or the rest of an HTML block."""
    out: list[tuple[int, str, Marks]] = []
    for n, text in lines:
        soft = text.startswith(_SOFT)
        stripped = text.lstrip(_SOFT).strip()
        if out and (soft or (stripped[:1].islower() and not out[-1][1].rstrip().endswith((".", ":", "!", "?"))
                             and not _is_item(stripped))):
            line, prev, marks = out[-1]
            joined = prev.rstrip() + " "
            out[-1] = (line, joined + stripped, [*marks, (len(joined), n)])
        else:
            out.append((n, stripped, [(0, n)]))
    return out


def _is_item(text: str) -> bool:
    return bool(re.match(r"^(?:[-•*–·]\s*|\d{1,2}[.)]\s+)", text))


def _is_heading(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 9 and not text.endswith((".", ",", ";")) and not _is_item(text) \
        and (text.isupper() or text.endswith((":", "?")) or len(words) <= 6)


def _sentences(lines: list[tuple[int, str]]) -> list[Sentence]:
    found: list[Sentence] = []
    for _n, text, marks in _joined(lines):
        item = _is_item(text)
        if item:
            cut = len(text) - len(re.sub(r"^(?:[-•*–·]\s*)", "", text))
            text, marks = text[cut:], [(max(0, o - cut), line) for o, line in marks]
        heading = not item and _is_heading(text)
        at = 0
        for part in _split(text):
            at = text.find(part, at)
            line = next(line for o, line in reversed(marks) if o <= max(at, 0))
            found.append(Sentence(line, part, heading=heading, item=item))
            at += len(part)
    return found


def _split(text: str) -> list[str]:
    parts: list[str] = []
    for piece in _SPLIT.split(text):
        if parts and _ends_with_abbrev(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]


def _ends_with_abbrev(text: str) -> bool:
    last = text.rstrip(".").split()[-1].lower() if text.split() else ""
    return last in _ABBREV or bool(re.fullmatch(r"\d{1,2}", last))
