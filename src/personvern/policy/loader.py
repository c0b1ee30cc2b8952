"""Load a policy file (YAML) and report every problem as ``file:line: field.path: message``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from personvern.errors import PolicyError, Problem
from personvern.policy.model import Policy
from personvern.policy.validate import cross_check

Path_ = tuple[str | int, ...]
_TAGS = {"After", "Until", "Statute", "LaterOf", "EarlierOf", "function-before", "function-after"}


class LoadedPolicy:
    """A validated policy with the file it came from and a line for every field path."""

    def __init__(self, policy: Policy, file: str, lines: dict[Path_, int], warnings: list[Problem]) -> None:
        self.policy = policy
        self.file = file
        self.lines = lines
        self.warnings = warnings

    def line(self, path: Path_) -> int | None:
        return line_for(self.lines, path)


def line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of the longest prefix of ``path`` that the file has."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _plain(node: Any, path: Path_, lines: dict[Path_, int]) -> Any:
    """Turn ruamel's round-trip nodes into plain data, recording the 1-based line of every key/item."""
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            line, _col = node.lc.key(key)
            lines[(*path, str(key))] = line + 1
            out[str(key)] = _plain(value, (*path, str(key)), lines)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            line, _col = node.lc.item(i)
            lines[(*path, i)] = line + 1
            items.append(_plain(value, (*path, i), lines))
        return items
    if hasattr(node, "isoformat") or isinstance(node, int | float | bool) or node is None:
        return node
    return str(node)


def _field_path(loc: tuple[Any, ...], data: Any) -> tuple[Path_, str]:
    """Pydantic's loc without union tags; a list index shown as the item's key when it has one."""
    path: list[str | int] = []
    shown: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, str) and (part in _TAGS or part.startswith("function-")):
            continue
        path.append(part)
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            key = node.get("key") if isinstance(node, dict) else None
            shown.append(f"[{key}]" if key else f"[{part}]")
            continue
        node = node.get(part) if isinstance(node, dict) else None
        shown.append(("." if shown else "") + str(part))
    return tuple(path), "".join(shown) or "(file)"


def _message(error: Any) -> str:
    msg = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    return msg


def read_yaml(file: Path) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML, raising PolicyError with the line of a syntax error."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError([Problem(str(file), None, "(file)", f"cannot read: {exc.strerror}")]) from exc
    try:
        raw = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PolicyError([Problem(str(file), line, "(yaml)", str(exc.problem or exc))]) from exc
    lines: dict[Path_, int] = {}
    data = _plain(raw, (), lines)
    if not isinstance(data, dict):
        raise PolicyError([Problem(str(file), 1, "(file)", "a policy file is a mapping (controller:, purposes:, ...)")])
    return data, lines


def load_policy(source: str | Path, *, strict: bool = False) -> LoadedPolicy:
    """Load and validate a policy file. Raises PolicyError listing every problem with its line.

    Warnings (e.g. a retention shorter than the statute cited) are on ``LoadedPolicy.warnings``;
    with ``strict=True`` they are errors too.
    """
    file = Path(source)
    data, lines = read_yaml(file)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path, shown = _field_path(error["loc"], data)
            problems.append(Problem(str(file), line_for(lines, path), shown, _message(error)))
        raise PolicyError(problems) from None
    problems = [Problem(str(file), line_for(lines, path), shown, message, severity)
                for severity, path, shown, message in cross_check(policy)]
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise PolicyError(problems if strict else errors)
    return LoadedPolicy(policy, str(file), lines, [p for p in problems if p.severity == "warning"])
