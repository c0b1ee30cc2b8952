"""The ``personvern`` command: a thin shell that parses, calls the library and prints.

Each command calls the same library function the API and the tests call; nothing here decides anything.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from personvern.errors import PersonvernError, PolicyError
from personvern.policy import load_policy
from personvern.policy.model import Policy

app = typer.Typer(
    name="personvern",
    help="Makes a privacy policy true: policy as code, an enforcing register, rights and consent.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
out = Console()

PolicyArg = Annotated[Path, typer.Argument(help="policy file (YAML)", exists=False)]


def _load(path: Path) -> Policy:
    try:
        loaded = load_policy(path)
    except PolicyError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False, highlight=False)
        raise typer.Exit(1) from None
    for warning in loaded.warnings:
        err.print(str(warning), markup=False, highlight=False)
    return loaded.policy


@app.command()
def check(
    policies: Annotated[list[Path], typer.Argument(help="policy files to validate")],
    strict: Annotated[bool, typer.Option(help="treat warnings as errors")] = False,
) -> None:
    """Validate policy files: exit 0 when valid, else one line per problem (file:line: field: message)."""
    failed = False
    for path in policies:
        try:
            loaded = load_policy(path, strict=strict)
        except PolicyError as exc:
            failed = True
            for problem in exc.problems:
                err.print(str(problem), markup=False, highlight=False)
            continue
        for warning in loaded.warnings:
            err.print(str(warning), markup=False, highlight=False)
        out.print(f"{path}: ok ({len(loaded.policy.purposes)} purposes)", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the policy file, for editors that complete and check YAML as it is typed."""
    from personvern.policy.schema import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except PersonvernError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise SystemExit(1) from None
