"""What every command shares: the consoles, the --policy/--db options, opening a register, failing cleanly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from personvern.errors import PersonvernError, PolicyError
from personvern.policy import LoadedPolicy, load_policy
from personvern.policy.model import Policy

if TYPE_CHECKING:
    from personvern.register import Register

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

PolicyOpt = Annotated[Path, typer.Option(help="policy file (YAML)", envvar="PERSONVERN_POLICY")]
DbOpt = Annotated[str | None, typer.Option(help="database URL (default: $PERSONVERN_DATABASE_URL, "
                                                "then sqlite:///personvern.db)")]


def say(text: str) -> None:
    out.print(text, markup=False, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def load(path: Path) -> Policy:
    """The policy, or every problem as file:line: field: message and exit 1."""
    return load_loaded(path).policy


def load_loaded(path: Path) -> LoadedPolicy:
    """The loaded policy (with its datastores and lines), or every problem and exit 1."""
    try:
        loaded = load_policy(path)
    except PolicyError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False, highlight=False)
        raise typer.Exit(1) from None
    for warning in loaded.warnings:
        err.print(str(warning), markup=False, highlight=False)
    return loaded


def ensure_master_key(db_url: str) -> None:
    """A new SQLite register with no master key configured gets one in ``<db>.key`` beside it (mode 0600);
    ``Register.open`` then reads it (env first, then that file). Other databases need the env."""
    from personvern.register.crypto import MasterKey

    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None
    configured = os.environ.get("PERSONVERN_MASTER_KEY") or os.environ.get("PERSONVERN_MASTER_KEY_FILE")
    if configured or path is None or path.exists() or path.with_name(path.name + ".key").exists():
        return
    key_file = path.with_name(path.name + ".key")
    MasterKey.generate().write(key_file)
    err.print(f"created master key {key_file} (mode 0600): back it up; without it the data cannot be read",
              markup=False, highlight=False, soft_wrap=True)


@contextmanager
def register(policy: Path, db: str | None, *, actor: str = "cli", role: str = "privacy_officer",
             create_key: bool = False) -> Iterator[Register]:
    """Open the register for a command; any refusal from the library becomes ``error: …`` and exit 1."""
    from personvern.register import Register
    from personvern.register.engine import database_url

    url = database_url(db)
    loaded = load_loaded(policy)
    try:
        if create_key:
            ensure_master_key(url)
        with Register.open(loaded, url) as reg:
            yield reg.acting(actor, role)
    except PersonvernError as exc:
        fail(str(exc))
