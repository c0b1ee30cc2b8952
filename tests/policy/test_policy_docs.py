"""docs/policy.md documents every field a policy file can have and every statute a policy can cite."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from personvern.policy import retention
from personvern.policy.model import Policy
from personvern.policy.statutes import STATUTES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")
ROOTS: tuple[type[BaseModel], ...] = (Policy, retention.Retention, retention.After, retention.Until,
                                      retention.Statute, retention.LaterOf, retention.EarlierOf,
                                      retention.ByCategory, retention.WithConsent, retention.UntilAsked)


def _types(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    return [annotation] if not args else [t for a in args for t in _types(a)]


def _models() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    todo = list(ROOTS)
    while todo:
        model = todo.pop()
        if model.__name__ in found:
            continue
        found[model.__name__] = model
        for field in model.model_fields.values():
            todo += [t for t in _types(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
    return found


MODELS = _models()
FIELDS = sorted({(name, field) for name, model in MODELS.items() for field in model.model_fields})


def test_the_walk_reaches_the_nested_models() -> None:
    assert {"Controller", "Address", "Contact", "Authority", "LegalBasis", "Consent", "Marketing",
            "Requirement", "Recipient", "Label", "Settings", "Text"} <= set(MODELS)


@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m}.{f}" for m, f in FIELDS])
def test_every_field_is_documented(model: str, field: str) -> None:
    assert f"`{field}`" in DOC, f"{model}.{field} is not in docs/policy.md"


@pytest.mark.parametrize("key", sorted(STATUTES))
def test_every_statute_is_in_the_catalogue_table(key: str) -> None:
    statute = STATUTES[key]
    rows = [line for line in DOC.splitlines() if line.startswith(f"| `{key}` |")]
    assert len(rows) == 1, f"{key}: one row in the statutory catalogue table"
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == statute.citation
    assert cells[2] == statute.period_text
    assert f"`{statute.counted}`" in cells[3]


@pytest.mark.parametrize("value", ["a", "b", "c", "d", "e", "f"])
def test_every_article_is_explained(value: str) -> None:
    assert re.search(rf"^\| `{value}` \| ", DOC, re.MULTILINE)


@pytest.mark.parametrize("value", ["delete", "reduce", "review", "hand_over", "adequacy", "scc", "bcr",
                                   "derogation", "keep", "seal"])
def test_every_end_action_erasure_mode_and_safeguard_is_explained(value: str) -> None:
    assert re.search(rf"^\| `{value}` \| ", DOC, re.MULTILINE)


def test_the_editor_setup_is_documented() -> None:
    assert "personvern schema > personvern.schema.json" in DOC
    assert "# yaml-language-server: $schema=personvern.schema.json" in DOC
