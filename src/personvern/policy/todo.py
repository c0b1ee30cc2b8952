"""``{todo: "question"}``: a value a draft policy leaves open, which still loads.

``personvern draft`` writes ``{todo: "Hvor lenge lagres søknader?"}`` where the notice it read is silent, and a
top-level ``todo:`` list for questions with no field of their own. The loader takes each marker out before
validation, puts a neutral stand-in where the model needs a value (the question itself for a text, the root
category ``user`` for a list of categories, no rule for a retention), and reports the question as a warning on
the marker's line. Checks that would fail only because of a stand-in are not reported. ``personvern check``
lists the TODOs; ``check --strict`` fails while any is left, so a draft cannot pass for a finished policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Path_ = tuple[str | int, ...]

# Fields whose value is a text in nb and en: a TODO stands in as the question in both languages.
TEXTS = {"name", "description", "interest", "contract", "vital_interests_of", "public_task", "consequence", "given",
         "withdrawn", "note", "safeguard_note", "agreement", "condition"}
# Stand-ins for scalars the model requires; optional fields are left out instead.
SCALARS: dict[str, Any] = {"orgnr": "000000000", "version": "todo", "effective": "1970-01-01", "street": "todo",
                           "postcode": "0000", "city": "todo"}
_LISTS = {"categories": "user", "subjects": "customer"}


@dataclass(frozen=True)
class Todo:
    path: Path_
    line: int | None
    question: str


def _is_todo(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"todo"}


def resolve(data: dict[str, Any], lines: dict[Path_, int]) -> tuple[dict[str, Any], list[Todo]]:
    """The data with every TODO replaced by its stand-in, and the TODOs found."""
    todos: list[Todo] = []
    top = data.pop("todo", None)
    for i, question in enumerate(top if isinstance(top, list) else [top] if top else []):
        todos.append(Todo(("todo",), lines.get(("todo", i), lines.get(("todo",))), str(question)))
    out = _walk(data, (), lines, todos, data)
    assert isinstance(out, dict)
    return out, todos


def _walk(node: Any, path: Path_, lines: dict[Path_, int], todos: list[Todo], root: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            here = (*path, key)
            if _is_todo(value):
                todos.append(Todo(here, lines.get((*here, "todo"), lines.get(here)), str(value["todo"])))
                stand_in = _stand_in(key, value["todo"], node, path, root)
                if stand_in is not None:
                    out[key] = stand_in
                continue
            out[key] = _walk(value, here, lines, todos, root)
        return out
    if isinstance(node, list):
        items = []
        for i, value in enumerate(node):
            if _is_todo(value):
                todos.append(Todo((*path, i), lines.get((*path, i, "todo"), lines.get((*path, i))),
                                  str(value["todo"])))
                continue
            items.append(_walk(value, (*path, i), lines, todos, root))
        if not items and node:
            return _empty_list(path, root)
        return items
    return node


def _empty_list(path: Path_, root: dict[str, Any]) -> list[Any]:
    field = path[-1] if path else ""
    if field == "purposes":  # a recipient whose purposes are open: all of them stand in
        return [p.get("key") for p in root.get("purposes", []) if isinstance(p, dict)]
    return [_LISTS[field]] if field in _LISTS else []


def _stand_in(key: str, question: Any, parent: dict[str, Any], path: Path_, root: dict[str, Any]) -> Any:
    text = str(question)
    if key in ("nb", "en"):
        other = parent.get("en" if key == "nb" else "nb")
        return other if isinstance(other, str) and other else text
    if key in TEXTS:
        return {"nb": text, "en": text}
    if key == "legal_basis":
        return {"article": "f", "interest": {"nb": text, "en": text}}
    if key == "address":
        return {"street": "todo", "postcode": "0000", "city": "todo"}
    if key == "name" and path == ("controller",):
        return text
    if key == "marketing":
        return {"channels": []}
    return SCALARS.get(key)


def covered(path: Path_, todos: list[Todo], shown: str = "") -> bool:
    """True when a problem at ``path`` (shown as ``shown``) could come from a stand-in: the path is a TODO's or
    inside it, or the TODO is the field of ``path`` that ``shown`` names."""
    for todo in todos:
        if todo.path == ("todo",):
            continue
        inside = todo.path[: len(path)] == path
        if path[: len(todo.path)] == todo.path or (inside and (len(path) >= 3 or
                                                              shown.endswith("." + str(todo.path[len(path)])))):
            return True
    return False
