"""Structured logs without personal data or secrets (issues 8, 18; Art. 5(1)(f), Art. 32).

personvern's own code logs ids, codes and counts only — never an identifier, a name or a payload. As a
last line of defence :class:`RedactPersonalData` rewrites every record that reaches a configured handler:
e-mail addresses, Norwegian phone numbers (``+47``/``0047`` and 8-digit numbers, spaced or not) and any
11-digit run (a fødselsnummer or D-nummer — validated with python-stdnum only to name what was redacted;
an invalid one is redacted too, since a typo is still someone's number). Messages, arguments, exception
text and string extras are all covered.

    configure_logging("INFO")            # JSON lines on stderr, redacted; uvicorn's loggers routed through it

``personvern serve`` should start uvicorn with ``log_config=None`` after calling it, so uvicorn's access
log (which carries request paths and query strings) goes through the same filter.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import unquote, unquote_plus

__all__ = ["JsonFormatter", "RedactPersonalData", "configure_logging", "redact"]

_EMAIL = re.compile(r"[\w.!#$%'*+^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")  # not / ? = &: URLs around it stay
# A run of digits with optional single spaces (or a query string's +) between groups, optionally led by + or
# 00; not part of a longer word, uuid, time or ISO date (2026-01-05, 12:00:00.123456, uuids are not phones).
_NUMBER = re.compile(r"(?<![\w\-+:])(?<!\d\.)(?:(\+|00)\s?)?\d(?:[ +]?\d){6,14}(?![\w\-:]|\.\d)")
_URLISH = re.compile(r"[^\s\"'<>]*(?:%[0-9A-Fa-f]{2}|[?&][\w.-]+=)[^\s\"'<>]*")
# Secrets (issue 18): a login link's or any ?token= / ?access_token= value, a bearer token, an API token
_SECRET_PARAM = re.compile(r"(?i)([?&;](?:[\w-]*token|code|key|secret|password)=)[^&\s\"'#]+")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[\w.~+/=-]+")
_API_TOKEN = re.compile(r"\bpv_[\w-]{16,}")
_ROUTED = ("uvicorn", "uvicorn.error", "uvicorn.access", "fastapi", "httpx")


def _number(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if match.group(1):  # +47 975 27 747, 0047 97527747, any international number
        national = digits[2:] if text.lstrip().startswith("00") else digits
        return "[phone]" if 8 <= len(national) <= 15 else text
    if len(digits) == 11:
        from stdnum.no import fodselsnummer  # 40 ms to import: only when a log line holds 11 digits

        return "[fødselsnummer]" if fodselsnummer.is_valid(digits) else "[11-digit number]"
    if len(digits) == 8:
        return "[phone]"
    return text


def _plain(text: str) -> str:
    return _NUMBER.sub(_number, _EMAIL.sub("[e-mail]", text))


def _url(match: re.Match[str]) -> str:
    """A URL or query string is checked decoded (``kari%40example.no``, ``phone=%2B47+975+27+747``)."""
    token = match.group(0)
    decoded = unquote_plus(token)
    for _ in range(2):  # a redirect's ?next= carries a URL encoded twice
        decoded = unquote(decoded)
    shown = _plain(decoded)
    return shown if shown != decoded else token


def _secrets(text: str) -> str:
    text = _SECRET_PARAM.sub(r"\1[token]", text)
    return _API_TOKEN.sub("[api-token]", _BEARER.sub(r"\1[token]", text))


def redact(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and 11-digit numbers replaced by a label, also where
    they are percent-encoded in a URL or query string; and with secrets replaced: the value of a ``token``,
    ``code``, ``key``, ``secret`` or ``password`` query parameter (a portal login link), a bearer token and
    an API token (``pv_...``)."""
    return _plain(_URLISH.sub(_url, _secrets(text)))


class RedactPersonalData(logging.Filter):
    """Rewrites a record's message, exception text and string extras with :func:`redact`; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: at, level, logger, message, extras, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"at": datetime.fromtimestamp(record.created, UTC).isoformat(),
                               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        return redact(json.dumps(out, ensure_ascii=False, default=str))


def configure_logging(level: int | str = "INFO", *, json: bool = True,
                      stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record (personvern's, uvicorn's, fastapi's) to one redacting handler on ``stream``
    (stderr by default), as JSON lines or as plain text. Idempotent: a second call replaces the handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_personvern", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._personvern = True  # type: ignore[attr-defined]
    handler.addFilter(RedactPersonalData())
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    handler.setFormatter(JsonFormatter() if json else plain)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _ROUTED:  # their own handlers would bypass the filter: let them propagate to ours
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.disabled = False  # uvicorn's dictConfig disables loggers it does not name
        logger.setLevel(logging.NOTSET)
    return handler
