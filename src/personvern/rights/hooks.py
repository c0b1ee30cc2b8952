"""Hooks: what other areas add to a data-subject request, run by the one path of each right.

``rights.handle.erase`` runs every erasure hook inside the request's transaction, before the register's own
erasure (the hooks still see the subject's identifiers), and stores what each returns in the request's
outcome; ``rights.access.access_report`` adds what every access hook returns to the register copy. An area
registers a function with :func:`erasure_hook` / :func:`access_hook`; built-in hooks register themselves the
same way, from the modules in ``BUILTIN``, imported on first use (so ``personvern.rights`` does not import
them).

Built in: ``personvern.datastores.requests`` reaches the business's own databases (issue 16).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = [
    "ACCESS_HOOKS",
    "BUILTIN",
    "ERASURE_HOOKS",
    "AccessHook",
    "ErasureHook",
    "access_hook",
    "erasure_hook",
    "run_access",
    "run_erasure",
]


class ErasureHook(Protocol):
    def __call__(self, reg: Register, conn: Connection, *, subject_ref: str, subject_id: int, request_id: int | None,
                 ground: str) -> dict[str, Any]: ...


class AccessHook(Protocol):
    def __call__(self, reg: Register, conn: Connection, *, subject_ref: str, subject_id: int,
                 order_numbers: Sequence[str]) -> list[Any]: ...


BUILTIN = ("personvern.datastores.requests",)
ERASURE_HOOKS: list[ErasureHook] = []
ACCESS_HOOKS: list[AccessHook] = []
_loaded = False


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in BUILTIN:
            importlib.import_module(name)


def erasure_hook(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Register ``fn(reg, conn, *, subject_ref, subject_id, request_id, ground) -> outcome part``."""
    if fn not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(fn)
    return fn


def access_hook(fn: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """Register ``fn(reg, conn, *, subject_ref, subject_id, order_numbers) -> parts of the register copy``."""
    if fn not in ACCESS_HOOKS:
        ACCESS_HOOKS.append(fn)
    return fn


def run_erasure(reg: Register, conn: Connection, *, subject_ref: str, subject_id: int, request_id: int | None,
                ground: str) -> dict[str, Any]:
    """Every erasure hook, in the request's transaction; their outcomes merged."""
    _load_builtins()
    out: dict[str, Any] = {}
    for hook in ERASURE_HOOKS:
        out.update(hook(reg, conn, subject_ref=subject_ref, subject_id=subject_id, request_id=request_id,
                        ground=ground))
    return out


def run_access(reg: Register, conn: Connection, *, subject_ref: str, subject_id: int,
               order_numbers: Sequence[str] = ()) -> list[Any]:
    """Every access hook's parts of the register copy, in order."""
    _load_builtins()
    return [part for hook in ACCESS_HOOKS for part in hook(reg, conn, subject_ref=subject_ref,
                                                           subject_id=subject_id, order_numbers=order_numbers)]
