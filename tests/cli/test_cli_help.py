"""Every command answers ``--help`` without a policy or a database, and the CLI starts light (issue 15, item 3).

No timing assertions (RULES.md): the startup budget is held by what ``import personvern.cli`` may load, checked
in a fresh interpreter; the measured times are in bench/BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from personvern.cli import app

# Loaded by a command that uses them, never by `personvern --help` (each costs 50-400 ms).
HEAVY = ("sqlalchemy", "fastapi", "starlette", "weasyprint", "openpyxl", "jinja2", "uvicorn", "cryptography",
         "personvern.register", "personvern.rights", "personvern.web", "pydantic", "babel", "holidays",
         "stdnum", "rich.console")  # stdnum 40 ms (the log filter imports it when it needs it), rich 20 ms


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from _paths(sub, (*prefix, name))


COMMANDS = list(_paths(typer.main.get_command(app)))


def test_the_walk_finds_the_sub_commands() -> None:
    assert ("requests", "show") in COMMANDS and ("keys", "rotate") in COMMANDS and len(COMMANDS) > 40


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "personvern")
def test_every_help_answers_without_a_policy(path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERSONVERN_POLICY", "PERSONVERN_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert not re.search(r"\b(TZ|TP|SN|KL|PI)\d+[a-z]?\b", result.output), "promise ids are internal"


def test_a_sub_command_without_the_policy_says_which_option_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONVERN_POLICY", raising=False)
    result = CliRunner().invoke(app, ["requests", "show", "abc"])
    assert result.exit_code != 0
    assert "--policy" in result.output


def test_the_cli_imports_no_heavy_module_until_a_command_needs_it() -> None:
    code = ("import sys, json, personvern.cli\n"
            "print(json.dumps(sorted(m for m in sys.modules)))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                           check=True, env=env).stdout))
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []


def test_the_choices_spelled_out_for_help_are_the_librarys() -> None:
    from personvern import demo
    from personvern.commands import demo as demo_command
    from personvern.commands import requests as requests_command
    from personvern.rights import handle
    from personvern.rights import requests as rq

    assert requests_command.KINDS == rq.KINDS and requests_command.CHANNELS == rq.CHANNELS
    assert requests_command.METHODS == rq.METHODS
    assert requests_command.RESTRICTION_GROUNDS == handle.RESTRICTION_GROUNDS
    assert demo_command.COMPANIES == demo.COMPANIES
