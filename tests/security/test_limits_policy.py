"""Hostile policy files are refused with ``file:line: field: message``, quickly and without a traceback (issue 18).

An alias bomb (a few hundred bytes that expand to billions of nodes), a file past the size cap, deep nesting,
bytes that are not UTF-8 and an impossible date each give one problem line; nothing hangs or grows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from personvern.cli import app
from personvern.errors import PolicyError
from personvern.policy import load_policy
from personvern.policy.loader import MAX_DEPTH, MAX_NODES, MAX_POLICY_BYTES

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml"


def _problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    return [str(p) for p in caught.value.problems]


def _bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 12):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\ncontroller: *a11\n"


def test_alias_bomb_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    problems = _problems(path)
    assert len(problems) == 1
    assert f"expands to more than {MAX_NODES:,} values" in problems[0]
    assert problems[0].startswith(f"{path}:")


def test_a_file_past_the_size_cap_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(POLICY.read_text("utf-8") + "#" + "x" * MAX_POLICY_BYTES + "\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert "larger than" in problem and "(file)" in problem


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "a:\n" + "".join(" " * n + "b:\n" for n in range(1, 400))],
                         ids=["flow", "block"])
def test_deep_nesting_is_an_error_with_a_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = _problems(path)
    assert f"nested deeper than {MAX_DEPTH}" in problem
    assert problem.startswith(f"{path}:")


def test_bytes_that_are_not_utf8_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(POLICY.read_bytes().replace(b"controller:", b"# Bl\xe5b\xe6r\ncontroller:", 1))
    (problem,) = _problems(path)
    line = POLICY.read_bytes().split(b"controller:")[0].count(b"\n") + 1
    assert problem.startswith(f"{path}:{line}: (file): not UTF-8")


def test_control_characters_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_text("controller:\n  name: a\x00b\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:2: (yaml):")


def test_an_impossible_date_is_a_line_not_a_traceback(tmp_path: Path) -> None:
    text = POLICY.read_text("utf-8")
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip().startswith("effective:"))
    lines[n] = lines[n].split("effective:")[0] + "effective: 2024-13-45"
    path = tmp_path / "date.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:{n + 1}: (yaml): '2024-13-45' is not a date")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "2024-13-45" in result.output


def test_the_example_policies_still_load() -> None:
    for path in POLICY.parent.glob("*.yaml"):
        load_policy(path)
