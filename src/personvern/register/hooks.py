"""Hooks: what other areas do when the register records something, without the register importing them.

The register calls :func:`run_event_hooks` inside the transaction of ``record_event``; an area registers a
function with :func:`event_hook`. Built-in hooks register themselves the same way an add-on would
(STYLE.md habit 9); their modules are named in ``BUILTIN`` and imported on first use, never when the
register itself is imported, so ``personvern.register`` does not depend on ``personvern.rights``.

Built in: ``personvern.rights.notify`` sends a recipient its deletion instruction when the event named in
its ``deletes_on`` happens (TZ6).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection

if TYPE_CHECKING:
    from personvern.register.store import Register


class EventHook(Protocol):
    def __call__(self, reg: Register, conn: Connection, *, event: str, subject_id: int | None = None,
                 record_id: int | None = None) -> int: ...


BUILTIN = ("personvern.rights.notify",)
EVENT_HOOKS: list[EventHook] = []
_loaded = False


def event_hook(fn: Callable[..., int]) -> Callable[..., int]:
    """Register ``fn(reg, conn, *, event, subject_id, record_id)`` to run when an event is recorded."""
    if fn not in EVENT_HOOKS:
        EVENT_HOOKS.append(fn)
    return fn


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        for name in BUILTIN:
            importlib.import_module(name)
        _loaded = True


def run_event_hooks(reg: Register, conn: Connection, *, event: str, subject_id: int | None,
                    record_id: int | None) -> int:
    """Run every event hook in the caller's transaction; returns the sum of what they report (messages)."""
    _load_builtins()
    return sum(hook(reg, conn, event=event, subject_id=subject_id, record_id=record_id) for hook in EVENT_HOOKS)
