"""The JSON Schema (draft 2020-12) of a policy file, for editors that complete and check YAML as it is typed.

Made from the pydantic models, then adjusted where pydantic cannot say what the loader accepts: a retention
rule may be written as a sentence (``36 months after purchase.made``) or as a mapping, anywhere a rule goes.
Point an editor at it with ``personvern schema > personvern.schema.json`` and the modeline
``# yaml-language-server: $schema=personvern.schema.json`` (docs/policy.md).
"""

from __future__ import annotations

from typing import Any

from personvern.policy.model import Policy

SCHEMA_ID = "urn:personvern:schema:policy:1"

# A sentence the retention grammar reads (policy/retention.py ``parse_rule``). The loader gives the precise
# message; the editor flags what cannot be a rule (an unknown unit, a missing anchor).
_PERIOD = r"(\d+\s*(years?|months?|weeks?|days?)\s*)+"
_SENTENCE = (
    rf"^\s*(until\s+the\s+subject\s+asks|until\s+[\w.]+(,\s+at\s+least\s+{_PERIOD})?"
    rf"|{_PERIOD}\s+after\s+(end\s+of\s+year\s+of\s+)?[\w.]+"
    r"|[a-z_]+(\.[\w.]+)?\s+after\s+[\w.]+)\s*$"
)
_RULES = ("After", "Until", "Statute", "LaterOf", "EarlierOf", "ByCategory", "WithConsent", "UntilAsked")

# Descriptions for fields the models leave undescribed; a model's own description wins.
_HELP: dict[str, dict[str, str]] = {
    "Policy": {
        "controller": "who is responsible for the processing (Art. 4(7), Art. 13(1)(a))",
        "policy": "version and date of this policy",
        "settings": "settings where the law is unsettled or may change",
        "purposes": "what the data is used for; each purpose with its legal basis, categories and retention",
        "recipients": "who receives data: processors, other controllers, authorities",
    },
    "Controller": {"name": "legal name", "country": "NO or SE: which organisation number and law apply",
                   "address": "postal address", "email": "e-mail address for privacy questions",
                   "phone": "phone number for privacy questions", "website": "the business's website",
                   "contact_form": "URL of a contact form for privacy requests",
                   "dpo": "data protection officer (Art. 37-39), if one is appointed",
                   "representative": "representative in the EU/EEA (Art. 27)",
                   "joint_controllers": "names of joint controllers (Art. 26)",
                   "supervisory_authority": "where a complaint goes (Art. 77); default Datatilsynet"},
    "Address": {"street": "street address or PO box", "postcode": "postcode", "city": "city",
                "country": "ISO 3166-1 alpha-2 country code"},
    "Contact": {"name": "name", "email": "e-mail address", "phone": "phone number",
                "address": "postal address"},
    "Authority": {"name": "name of the supervisory authority", "address": "its postal address",
                  "website": "its website"},
    "Text": {"nb": "Norwegian bokmål", "en": "English"},
    "Label": {"nb": "label in Norwegian bokmål, as it reads inside a sentence",
              "en": "label in English, as it reads inside a sentence",
              "parent": "the category this one refines, e.g. user.contact.address"},
    "Consent": {"given": "how consent is given", "withdrawn": "how consent is withdrawn (Art. 7(3))"},
    "Marketing": {"channels": "email, sms, post or phone"},
    "Requirement": {"kind": "contract, statutory or contract_precondition (Art. 13(2)(e))",
                    "consequence": "what happens if the data is not provided"},
    "Settings": {"accounting_year_end": "MM-DD of the accounting year's end"},
    "After": {"after": "the anchor: an event key, collection or last_activity",
              "period": "a period such as '36 months' or '3 years 6 months'",
              "counted": "from_event, or end_of_year: from the end of the (accounting) year of the anchor"},
    "Until": {"until": "the event that ends the retention",
              "at_least": "a minimum period, counted from collection"},
    "Statute": {"statute": "a key of the statutory catalogue, e.g. bokforingsloven.primary",
                "after": "the anchor the statute counts from"},
    "LaterOf": {"later_of": "rules of which the latest end applies"},
    "EarlierOf": {"earlier_of": "rules of which the earliest end applies"},
    "ByCategory": {"by_category": "category -> rule: the period is chosen by the record's category (a complaint "
                                  "or a warranty case); two or more"},
    "WithConsent": {"ordinarily": "the rule without the consent",
                    "with_consent": "the rule while the consent stands; the later of the two applies"},
    "UntilAsked": {"until_asked": "true: kept until the subject asks for erasure or withdraws consent; no period"},
    "PolicyMeta": {"version": "the policy's version", "effective": "the date it takes effect (YYYY-MM-DD)",
                   "previous": "the version it replaces"},
    "Purpose": {
        "key": "lowercase key, used by the register and in URLs",
        "name": "short name in nb and en",
        "description": "what is done and why, in nb and en, as shown in the privacy notice",
        "legal_basis": "the Art. 6(1) basis",
        "also_based_on": "further bases, e.g. a legal obligation beside the contract",
        "categories": "data categories collected: taxonomy keys or custom keys declared under categories",
        "special_categories": "Art. 9 categories processed, if any",
        "subjects": "kinds of people the data is about",
        "sources": "where the data comes from (Art. 14(2)(f)); default: the subject",
        "retention": "how long the data is kept: a sentence or a mapping (docs/policy.md, retention grammar)",
        "marketing": "for direct marketing: the channels used",
        "profiling": "the purpose involves profiling",
        "required": "providing the data is a contract or statutory requirement",
        "systems": "systems the data lives in",
        "security": "Art. 32 security measures",
        "dpia": "a data protection impact assessment was made",
    },
    "LegalBasis": {
        "article": "the letter of Art. 6(1): a consent, b contract, c legal obligation, d vital interests, "
        "e public task, f legitimate interest",
        "consent": "a: how consent is given and withdrawn",
        "contract": "b: which contract",
        "law": "c: which law and section, e.g. 'bokføringsloven § 13'",
        "statute": "c: key in the statutory catalogue, for checking the retention against it",
        "vital_interests_of": "d: whose vital interests",
        "public_task": "e: the task and its basis in law",
        "interest": "f: the legitimate interest pursued",
        "note": "anything further about the basis",
    },
    "Retention": {
        "rule": "the rule that ends the retention: a sentence or a mapping",
        "then": "what happens at the end: delete, reduce, review or hand_over",
        "keep": "with then: reduce, the categories that stay",
        "archive": "with then: hand_over, the archive the law names",
    },
    "Recipient": {"key": "lowercase key", "name": "name in nb and en", "role": "the recipient's role",
                  "purposes": "purposes whose data it receives", "categories": "data categories it receives",
                  "country": "ISO 3166-1 alpha-2 country where the data is processed",
                  "safeguard": "transfer safeguard outside the EU/EEA (Art. 44-49)",
                  "safeguard_note": "details of the safeguard, e.g. which clauses",
                  "contact": "the recipient's contact details",
                  "webhook": "URL to notify the recipient at, e.g. of erasures"},
}


def json_schema() -> dict[str, Any]:
    """The policy file's JSON Schema, draft 2020-12, with the retention rule as sentence or mapping."""
    schema = Policy.model_json_schema()
    defs = schema["$defs"]
    defs["RuleSentence"] = {
        "type": "string",
        "pattern": _SENTENCE,
        "description": "a retention rule as a sentence, e.g. '36 months after purchase.made', "
        "'until case.closed, at least 30 days', 'bokforingsloven.primary after purchase.made'",
    }
    defs["Rule"] = {"anyOf": [{"$ref": "#/$defs/RuleSentence"}, *({"$ref": f"#/$defs/{r}"} for r in _RULES)]}
    schema = _replace_rule_unions(schema)
    defs = schema["$defs"]
    defs["RetentionField"] = {
        "description": "a rule sentence, a rule mapping, or a mapping with 'rule:' and what happens then",
        "anyOf": [{"$ref": "#/$defs/Rule"}, {"$ref": "#/$defs/Retention"}],
    }
    for model, name in (("Purpose", "retention"), ("Settings", "audit_retention")):
        defs[model]["properties"][name]["anyOf"] = [{"$ref": "#/$defs/RetentionField"}, {"type": "null"}]
    _describe(schema)
    defs["Retention"]["allOf"] = [
        {"if": {"required": ["then"], "properties": {"then": {"const": "reduce"}}},
         "then": {"required": ["keep"], "properties": {"keep": {"minItems": 1}}}},
        {"if": {"required": ["then"], "properties": {"then": {"const": "hand_over"}}},
         "then": {"required": ["archive"], "properties": {"archive": {"type": "string"}}}},
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "personvern policy",
        "description": "A business's privacy policy as code: controller, purposes, legal bases, categories, "
        "recipients and retention. Reference: docs/policy.md.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _replace_rule_unions(node: Any) -> Any:
    """Every place pydantic put the rule mappings (``rule:``, ``later_of:`` items) takes ``Rule``."""
    if isinstance(node, list):
        return [_replace_rule_unions(item) for item in node]
    if not isinstance(node, dict):
        return node
    union = node.get("oneOf") or node.get("anyOf")
    if isinstance(union, list) and sorted(_ref_names(union)) == sorted(_RULES) and len(union) == len(_RULES):
        rest = {k: v for k, v in node.items() if k not in ("oneOf", "anyOf", "discriminator")}
        return {**rest, "$ref": "#/$defs/Rule"}
    return {k: _replace_rule_unions(v) for k, v in node.items()}


def _ref_names(union: list[Any]) -> list[str]:
    return [str(item.get("$ref", "")).rsplit("/", 1)[-1] for item in union if isinstance(item, dict)]


def _describe(schema: dict[str, Any]) -> None:
    for model, fields in _HELP.items():
        properties = (schema if model == "Policy" else schema["$defs"][model])["properties"]
        for name, text in fields.items():
            properties[name].setdefault("description", text)
