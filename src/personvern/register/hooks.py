"""Hooks: what other areas do when the register records something, without the register importing them.

The register calls :func:`run_event_hooks` inside the transaction of ``record_event``, and
:func:`run_event_hooks_many` inside each batch's transaction of a bulk import (``register/ingest.py``); an area
registers a function with :func:`event_hook`. A hook that can handle a batch set-based sets a ``many``
attribute, ``many(reg, conn, occurred) -> int``; otherwise it is called once per event.

Built-in hooks register themselves the same way an add-on would (STYLE.md habit 9); their modules are named
in ``BUILTIN`` and imported on first use, never when the register itself is imported, so
``personvern.register`` does not depend on ``personvern.rights``.

Built in: ``personvern.rights.notify`` sends a recipient its deletion instruction when the event named in
its ``deletes_on`` happens (TZ6).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from sqlalchemy import Connection

if TYPE_CHECKING:
    from personvern.register.store import Register


class EventHook(Protocol):
    def __call__(self, reg: Register, conn: Connection, *, event: str, subject_id: int | None = None,
                 record_id: int | None = None) -> int: ...


class Occurred(NamedTuple):
    """One recorded event: its name and the subject and/or record it was recorded for."""

    event: str
    subject_id: int | None
    record_id: int | None


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


def run_event_hooks_many(reg: Register, conn: Connection, occurred: Sequence[Occurred]) -> int:
    """Run every event hook for a batch of events, in the caller's transaction (a bulk import, TZ6): a hook's
    ``many`` with the whole batch when it has one, else the hook once per event. Returns the sum reported."""
    if not occurred:
        return 0
    _load_builtins()
    total = 0
    for hook in EVENT_HOOKS:
        many = getattr(hook, "many", None)
        if many is not None:
            total += int(many(reg, conn, occurred))
        else:
            total += sum(hook(reg, conn, event=o.event, subject_id=o.subject_id, record_id=o.record_id)
                         for o in occurred)
    return total
