"""``personvern schema`` prints a JSON Schema an editor can check policies against while they are typed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from personvern.cli import app
from personvern.policy.loader import read_yaml
from personvern.policy.schema import json_schema

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _as_editor_reads(path: Path) -> dict[str, Any]:
    """The file as JSON: an editor's YAML 1.2 reads ``2024-01-01`` as a string."""
    data, _lines = read_yaml(path)

    def plain(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return node.isoformat() if hasattr(node, "isoformat") else node

    result: dict[str, Any] = plain(data)
    return result


def _errors(doc: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in VALIDATOR.iter_errors(doc)]


def _policy() -> dict[str, Any]:
    return copy.deepcopy(_as_editor_reads(POLICIES / "tek-zence.yaml"))


def test_schema_is_draft_2020_12_with_id_and_title() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"].startswith("urn:personvern:")
    assert SCHEMA["title"] == "personvern policy"


def test_every_field_has_a_description() -> None:
    models = {"Policy": SCHEMA, **SCHEMA["$defs"]}
    missing = [f"{name}.{field}" for name, model in models.items()
               for field, prop in model.get("properties", {}).items() if not prop.get("description")]
    assert missing == []


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_policy_validates(path: Path) -> None:
    assert _errors(_as_editor_reads(path)) == []


def test_there_are_example_policies() -> None:
    assert len(list(POLICIES.glob("*.yaml"))) >= 1


@pytest.mark.parametrize("retention", [
    "36 months after purchase.made",
    "5 years after end of year of purchase.made",
    "until case.closed, at least 30 days",
    "until case.closed",
    "bokforingsloven.primary after purchase.made",
    "foreldelsesloven after case.closed",
    {"after": "purchase.made", "period": "3 years 6 months"},
    {"after": "purchase.made", "period": "5 years", "counted": "end_of_year"},
    {"until": "case.closed", "at_least": "30 days"},
    {"statute": "bokforingsloven.primary", "after": "purchase.made"},
    {"later_of": ["3 years after collection", {"until": "case.closed"}]},
    {"earlier_of": [{"later_of": ["1 year after collection", "until case.closed"]},
                    "5 years after collection"]},
    {"rule": "3 years after collection", "then": "review"},
    {"rule": {"after": "collection", "period": "3 years"}, "then": "reduce", "keep": ["user.name"]},
    {"rule": "3 years after collection", "then": "hand_over", "archive": "Arkivverket"},
    {"later_of": [{"statute": "bokforingsloven.primary", "after": "purchase.made", "default": "collection"},
                  {"after": "case.closed", "period": "3 years", "optional": True}]},  # issue 14 item 4
    {"rule": "10 years after collection", "reason": {"nb": "Fordi.", "en": "Because."}},
    "until the subject asks",
    {"until_asked": True},
    {"by_category": {"custom.complaint": "2 years after collection", "custom.warranty": "5 years after collection"}},
    {"ordinarily": "until case.closed", "with_consent": "12 months after case.closed", "consent": "talent_pool"},
])
def test_retention_is_a_sentence_or_a_mapping(retention: object) -> None:
    doc = _policy()
    doc["purposes"][0]["retention"] = retention
    assert _errors(doc) == []


@pytest.mark.parametrize("retention", [
    "as long as we need it",
    "3 parsecs",
    "3 parsecs after collection",
    "until case.closed, at least a while",
    {"after": "purchase.made", "period": "3 parsecs"},
    {"after": "purchase.made"},
    {"later_of": ["3 years after collection"]},
    {"rule": "3 years after collection", "then": "reduce"},
    {"rule": "3 years after collection", "then": "hand_over"},
    {"rule": "3 years after collection", "then": "shred"},
    {"until": "case.closed", "period": "3 years"},
    "5 years",  # from what?
    {"after": "case.closed", "period": "3 years", "optional": "maybe"},
    {"rule": "3 years after collection", "reason": "because"},  # a reason is nb and en
])
def test_a_broken_retention_fails(retention: object) -> None:
    doc = _policy()
    doc["purposes"][0]["retention"] = retention
    assert _errors(doc) != []


@pytest.mark.parametrize("breakage", ["typo", "no_legal_basis", "bad_article", "bad_country", "no_purposes"])
def test_a_broken_policy_fails(breakage: str) -> None:
    doc = _policy()
    purpose = doc["purposes"][0]
    if breakage == "typo":
        purpose["legal_basiss"] = purpose.pop("legal_basis")
    elif breakage == "no_legal_basis":
        del purpose["legal_basis"]
    elif breakage == "bad_article":
        purpose["legal_basis"]["article"] = "g"
    elif breakage == "bad_country":
        doc["recipients"][0]["country"] = "Norway"
    else:
        doc["purposes"] = []
    assert _errors(doc) != []


def test_special_categories_take_an_art_9_2_condition() -> None:
    doc = _policy()
    doc["purposes"][0]["special_categories"] = ["user.health_and_medical"]
    doc["purposes"][0]["special_condition"] = {"point": "a", "note": {"nb": "Samtykke.", "en": "Consent."}}
    assert _errors(doc) == []
    doc["purposes"][0]["special_condition"] = {"point": "k"}  # Art. 9(2) ends at (j)
    assert _errors(doc) != []


def test_the_schema_command_prints_it() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SCHEMA
