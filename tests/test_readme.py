"""The README's test command is what CI runs, and every CLI command it shows exists."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from personvern.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    test_command = next(line for block in _blocks() for line in block.splitlines() if "pytest" in line)
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_every_command_in_the_quick_tour_has_help() -> None:
    commands = {line.split()[1] for block in _blocks() for line in block.splitlines()
                if line.startswith("personvern ")}
    assert commands >= {"check", "notice", "ropa", "sweep", "import", "keys", "audit"}
    for command in commands:
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0, (command, result.output)
