"""What every command shares: the consoles, the --policy/--db options, opening a register, failing cleanly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from personvern.errors import PersonvernError, PolicyError

if TYPE_CHECKING:
    from rich.console import Console

    from personvern.policy import LoadedPolicy
    from personvern.policy.model import Policy
    from personvern.register import Register



class _Console:
    """A rich Console made on first use: importing rich costs 20 ms that ``--help`` never needs (issue 15)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console(), name)


err = _Console(stderr=True, soft_wrap=True)
out = _Console(soft_wrap=True)

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
    from personvern.policy import load_policy

    try:
        loaded = load_policy(path)
    except PolicyError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False, highlight=False)
        raise typer.Exit(1) from None
    for warning in loaded.warnings:
        err.print(str(warning), markup=False, highlight=False)
    return loaded


def ensure_master_key(db_url: str) -> Path | None:
    """A new SQLite register with no master key configured gets one in ``<db>.key`` beside it (mode 0600);
    ``Register.open`` then reads it (env first, then that file). Other databases need the env. Returns the key
    file when it was created here, so that a command that then fails can take it back (no orphan keys)."""
    from personvern.register.crypto import MasterKey

    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None
    configured = os.environ.get("PERSONVERN_MASTER_KEY") or os.environ.get("PERSONVERN_MASTER_KEY_FILE")
    if configured or path is None or path.exists() or path.with_name(path.name + ".key").exists():
        return None
    key_file = path.with_name(path.name + ".key")
    MasterKey.generate().write(key_file)
    err.print(f"created master key {key_file} (mode 0600): back it up; without it the data cannot be read",
              markup=False, highlight=False, soft_wrap=True)
    return key_file


@contextmanager
def register(policy: Path, db: str | None, *, actor: str = "cli", role: str = "privacy_officer",
             create_key: bool = False) -> Iterator[Register]:
    """Open the register for a command; any refusal from the library becomes ``error: …`` and exit 1."""
    from personvern.register import Register
    from personvern.register.engine import database_url

    url = database_url(db)
    loaded = load_loaded(policy)
    created = None
    try:
        if create_key:
            created = ensure_master_key(url)
        with Register.open(loaded, url) as reg:
            yield reg.acting(actor, role)
    except PersonvernError as exc:
        forget_new_key(created, url)
        fail(str(exc))


def forget_new_key(key_file: Path | None, db_url: str) -> None:
    """Take back a key created for a database that did not come to be (a failed first command)."""
    db_file = Path(db_url.removeprefix("sqlite:///"))
    if key_file is not None and not db_file.exists():
        key_file.unlink(missing_ok=True)
