"""Load a policy file (YAML) and report every problem as ``file:line: field.path: message``."""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from personvern.errors import PolicyError, Problem
from personvern.policy import retention, todo
from personvern.policy.datastores import Declared, load_datastores
from personvern.policy.model import Policy
from personvern.policy.validate import cross_check

Path_ = tuple[str | int, ...]
# Limits on a policy file (issue 18): the examples are 10–30 kB with a few thousand values and depth < 10; these
# caps are far above any real policy and far below what makes a check hang or a server grow (an alias bomb
# of a few hundred bytes expands to billions of values).
MAX_POLICY_BYTES = 1_000_000
MAX_NODES = 200_000  # values after expanding aliases
MAX_DEPTH = 40
_TAGS = {"After", "Until", "Statute", "LaterOf", "EarlierOf", "ByCategory", "WithConsent", "UntilAsked",
         "function-before", "function-after"}


class LoadedPolicy:
    """A validated policy with the file it came from and a line for every field path."""

    def __init__(self, policy: Policy, file: str, lines: dict[Path_, int], warnings: list[Problem]) -> None:
        self.policy = policy
        self.file = file
        self.lines = lines
        self.warnings = warnings
        self.datastores: list[Declared] = []

    def line(self, path: Path_) -> int | None:
        return line_for(self.lines, path)

    @property
    def todos(self) -> list[Problem]:
        """The open points of a draft (``{todo: ...}``), each a warning with its line; empty when finished."""
        return [w for w in self.warnings if w.message.startswith("TODO: ")]


def line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of the longest prefix of ``path`` that the file has. A retention's ``rule`` level may be
    left out in the file (a rule mapping written directly under ``retention:``), so it is tried without."""
    best: tuple[int, int | None] = (-1, None)
    for candidate in (path, tuple(p for p in path if p != "rule")):
        for n in range(len(candidate), -1, -1):
            if candidate[:n] in lines:
                best = max(best, (n, lines[candidate[:n]]), key=lambda found: found[0])
                break
    return best[1]


class _TooLarge(Exception):
    def __init__(self, path: Path_) -> None:
        self.path = path


class _Budget:
    """Counts the values :func:`_plain` makes, so aliases cannot expand past :data:`MAX_NODES`."""

    def __init__(self) -> None:
        self.left = MAX_NODES

    def spend(self, path: Path_) -> None:
        self.left -= 1
        if self.left < 0:
            raise _TooLarge(path)


def _plain(node: Any, path: Path_, lines: dict[Path_, int], budget: _Budget | None = None) -> Any:
    """Turn ruamel's round-trip nodes into plain data, recording the 1-based line of every key/item."""
    budget = budget or _Budget()
    budget.spend(path)
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            line, _col = node.lc.key(key)
            lines[(*path, str(key))] = line + 1
            out[str(key)] = _plain(value, (*path, str(key)), lines, budget)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            line, _col = node.lc.item(i)
            lines[(*path, i)] = line + 1
            items.append(_plain(value, (*path, i), lines, budget))
        return items
    if hasattr(node, "isoformat") or isinstance(node, int | float | bool) or node is None:
        return node
    return str(node)


def _field_path(loc: tuple[Any, ...], data: Any, missing: bool = False) -> tuple[Path_, str]:
    """Pydantic's loc as far as the file has it, without union tags; a list item shown by its key if any.

    A retention written as a sentence is one string in the file, so an error inside it is shown on the field
    holding the sentence; a rule written as a mapping without ``rule:`` skips that level. Only a missing
    field is shown although the file does not have it.
    """
    path: list[str | int] = []
    shown: list[str] = []
    node = data
    for n, part in enumerate(loc):
        if isinstance(part, str) and (part in _TAGS or part.startswith("function-")):
            continue
        if isinstance(node, str):
            break
        if isinstance(part, str) and isinstance(node, dict) and part not in node and not (
                missing and n == len(loc) - 1):
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


_MISSING = {
    "legal_basis": "add 'legal_basis:' with 'article:' (a-f of Art. 6(1)) and what that basis needs",
    "article": "write the letter of Art. 6(1): a consent, b contract, c legal obligation, d vital interests, "
    "e public task, f legitimate interest",
    "given": "say how consent is given, in nb and en",
    "withdrawn": "say how consent is withdrawn, as easily as it is given (Art. 7(3)), in nb and en",
    "channels": "list the channels used: email, sms, post, phone",
    "categories": "list the data categories the purpose collects",
    "subjects": "list the kinds of people the data is about, e.g. customer",
    "nb": "a text needs both nb (bokmål) and en",
    "en": "a text needs both nb (bokmål) and en",
    "orgnr": "write the organisation number from brreg.no",
    "key": "give it a key: lowercase letters, digits and _",
}


def _message(error: Any) -> str:
    msg = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    name = error["loc"][-1] if error["loc"] else None
    if error["type"] == "missing":
        hint = _MISSING.get(name) if isinstance(name, str) else None
        return f"required field is missing; {hint}" if hint else "required field is missing"
    if error["type"] == "extra_forbidden":
        guess = _did_you_mean(str(name))
        return f"unknown field; did you mean '{guess}'?" if guess else "unknown field; see docs/policy.md"
    if error["type"] == "union_tag_not_found":  # a retention rule mapping of no known form
        found = ", ".join(error["input"]) if isinstance(error["input"], dict) else repr(error["input"])
        return (f"not a retention rule (found {found}): a rule mapping has one of after, until, statute, "
                "later_of, earlier_of, by_category, with_consent or until_asked")
    if error["type"] == "string_pattern_mismatch" and name == "key":
        return f"'{error['input']}' is not a key: use lowercase letters, digits and _, starting with a letter"
    return msg


@cache
def _field_names() -> tuple[str, ...]:
    """Every field name of every model a policy file may contain, for 'did you mean'."""
    models: set[type[BaseModel]] = {Policy, retention.Retention, retention.After, retention.Until,
                                    retention.Statute, retention.LaterOf, retention.EarlierOf}
    for model in list(models):
        models |= _submodels(model)
    return tuple(sorted({name for model in models for name in model.model_fields}))


def _submodels(model: type[BaseModel]) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        for field in todo.pop().model_fields.values():
            for arg in _types(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel) and arg not in found:
                    found.add(arg)
                    todo.append(arg)
    return found


def _types(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    return [annotation] if not args else [t for a in args for t in _types(a)]


def _did_you_mean(name: str) -> str | None:
    match = difflib.get_close_matches(name, _field_names(), n=1, cutoff=0.75)
    return match[0] if match else None


def _problems(file: str, exc: ValidationError, data: Any, lines: dict[Path_, int]) -> list[Problem]:
    errors = exc.errors()
    typos = {(*e["loc"][:-1], guess) for e in errors if e["type"] == "extra_forbidden" and e["loc"]
             and (guess := _did_you_mean(str(e["loc"][-1])))}
    problems = []
    for error in errors:
        if error["type"] == "missing" and tuple(error["loc"]) in typos:
            continue  # reported once, as the misspelt field
        if not error["loc"] and "duplicate key" in error["msg"]:
            continue  # reported by _duplicate_keys, on the line of each repeat
        path, shown = _field_path(error["loc"], data, missing=error["type"] == "missing")
        problems.append(Problem(file, line_for(lines, path), shown, _message(error)))
    return problems


def _duplicate_keys(file: str, data: dict[str, Any], lines: dict[Path_, int]) -> list[Problem]:
    """Purposes or recipients sharing a key; each repeat is reported on its own line."""
    problems = []
    for kind in ("purposes", "recipients"):
        items = data.get(kind)
        seen: set[str] = set()
        for i, item in enumerate(items if isinstance(items, list) else []):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str):
                continue
            if key in seen:
                problems.append(Problem(file, line_for(lines, (kind, i, "key")), f"{kind}[{key}].key",
                                        f"duplicate key '{key}': give each of the {kind} its own key"))
            seen.add(key)
    return problems


def _yaml_problem(file: Path, exc: MarkedYAMLError) -> Problem:
    line = exc.problem_mark.line + 1 if exc.problem_mark else None
    if isinstance(exc, DuplicateKeyError):
        found = re.search(r'duplicate key "(.*?)"', str(exc.problem))
        key = found[1] if found else "?"
        message = f"duplicate key '{key}': a key may appear only once in a mapping"
        return Problem(str(file), line, "(yaml)", message)
    message = str(exc.problem or exc)
    if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
        message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    return Problem(str(file), line, "(yaml)", message)


def _by_line(problems: list[Problem]) -> list[Problem]:
    """In the order of the file, so the list reads top to bottom like the policy."""
    return sorted(problems, key=lambda p: p.line or 0)


class _Constructor(RoundTripConstructor):
    """The round-trip constructor (plain data only, never Python objects) with dates checked: an impossible
    date such as 2024-13-45 is a problem on its line, not a traceback."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError):
            raise ConstructorError(None, None, f"'{node.value}' is not a date (YYYY-MM-DD)",
                                   node.start_mark) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _safe_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.max_depth = MAX_DEPTH
    return yaml


def _read_text(file: Path) -> str:
    """The file as text: at most :data:`MAX_POLICY_BYTES`, UTF-8 (a bad byte is reported on its line)."""
    try:
        size = file.stat().st_size
        if size > MAX_POLICY_BYTES:
            raise PolicyError([Problem(str(file), None, "(file)", f"larger than {MAX_POLICY_BYTES:,} bytes "
                                       f"({size:,}); a policy file is a few tens of kilobytes")])
        raw = file.read_bytes()
    except OSError as exc:
        raise PolicyError([Problem(str(file), None, "(file)", f"cannot read: {exc.strerror}")]) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        message = f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise PolicyError([Problem(str(file), line, "(file)", message)]) from None


def read_yaml(file: Path) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML, raising PolicyError with the line of a syntax error or of a limit passed."""
    text = _read_text(file)
    try:
        raw = _safe_yaml().load(text)
    except MarkedYAMLError as exc:
        problem = _yaml_problem(file, exc)
        if "maximum depth" in problem.message:
            problem = Problem(problem.file, problem.line, "(yaml)", f"nested deeper than {MAX_DEPTH} levels")
        raise PolicyError([problem]) from None
    except YAMLError as exc:  # the reader's unacceptable characters carry no mark of the marked kind
        mark = getattr(exc, "position", None)
        line = text[:mark].count("\n") + 1 if isinstance(mark, int) else None
        raise PolicyError([Problem(str(file), line, "(yaml)", str(exc).splitlines()[0])]) from None
    except RecursionError:
        raise PolicyError([Problem(str(file), None, "(yaml)", f"nested deeper than {MAX_DEPTH} levels")]) from None
    lines: dict[Path_, int] = {}
    try:
        data = _plain(raw, (), lines)
    except _TooLarge as exc:
        message = f"expands to more than {MAX_NODES:,} values (aliases that repeat aliases?)"
        raise PolicyError([Problem(str(file), line_for(lines, exc.path), "(yaml)", message)]) from None
    if not isinstance(data, dict):
        message = "a policy file is a mapping (controller:, purposes:, ...)"
        raise PolicyError([Problem(str(file), 1, "(file)", message)])
    return data, lines


def _todo_problems(file: str, todos: list[todo.Todo], data: Any) -> list[Problem]:
    """Each open question of a draft (``{todo: ...}``) as a warning on its line."""
    return [Problem(file, t.line, _field_path(t.path, data, missing=True)[1] if t.path != ("todo",) else "todo",
                    f"TODO: {t.question}", "warning") for t in todos]


def load_policy(source: str | Path, *, strict: bool = False, datastores: bool = True) -> LoadedPolicy:
    """Load and validate a policy file. Raises PolicyError listing every problem with its line.

    Warnings (e.g. a retention shorter than the statute cited) are on ``LoadedPolicy.warnings``;
    with ``strict=True`` they are errors too. ``datastores=False`` leaves mapping files referenced under
    ``datastores:`` unread (a policy text checked away from its folder, e.g. on activation).
    """
    file = Path(source)
    data, lines = read_yaml(file)
    data, todos = todo.resolve(data, lines)
    duplicates = _duplicate_keys(str(file), data, lines)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_by_line(duplicates + _problems(str(file), exc, data, lines))) from None
    problems = _by_line([Problem(str(file), line_for(lines, path), shown, message, severity)
                         for severity, path, shown, message in cross_check(policy)
                         if not todo.covered(path, todos, shown)] + _todo_problems(str(file), todos, data))
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise PolicyError(problems if strict else errors)
    loaded = LoadedPolicy(policy, str(file), lines, [p for p in problems if p.severity == "warning"])
    if datastores:
        loaded.datastores = load_datastores(policy, file.parent, lines, str(file))
    return loaded
