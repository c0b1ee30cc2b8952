"""The record of processing as JSON-LD in the W3C Data Privacy Vocabulary (DPV 2.x, https://w3id.org/dpv#).

Each purpose becomes a ``dpv:Process`` with its ``dpv:Purpose`` (narrower than a DPV purpose concept where the
purpose's key or name makes one clear), its legal bases (the DPV concept and the GDPR article in the
``eu-gdpr`` extension), personal data, data subjects, sources, recipients, storage duration and measures.
"""

from __future__ import annotations

import re
from typing import Any

from personvern.notice.wording import describe_retention
from personvern.policy import taxonomy
from personvern.policy.model import LegalBasis, Policy, Purpose, Recipient

CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "loc": "https://w3id.org/dpv/loc#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
}

TITLE = {"nb": "protokoll over behandlingsaktiviteter", "en": "record of processing activities"}

LEGAL_BASIS = {
    "a": "dpv:Consent",
    "b": "dpv:Contract",
    "c": "dpv:LegalObligation",
    "d": "dpv:VitalInterest",
    "e": "dpv:PublicInterest",
    "f": "dpv:LegitimateInterest",
}

# Transfer legal bases of the DPV EU-GDPR extension: Art. 45(3) adequacy, Art. 46(2)(c) standard contractual
# clauses, Art. 46(2)(b) binding corporate rules (the Art. 46 safeguard that refers to Art. 47). There is no
# term for "an Art. 49(1) derogation" without saying which point: those are written as dpv:LegalBasis with
# the policy's own note (issue 14 item 12: eu-gdpr:A47-1 and eu-gdpr:A49-1 are not DPV terms).
SAFEGUARD = {
    "adequacy": "eu-gdpr:A45-3",
    "scc": "eu-gdpr:A46-2-c",
    "bcr": "eu-gdpr:A46-2-b",
}

ROLE = {
    "processor": "dpv:DataProcessor",
    "independent_controller": "dpv:DataController",
    "joint_controller": "dpv:JointDataControllers",
    "public_authority": "dpv:GovernmentalOrganisation",
}

# First match wins: a word in the purpose's key or English name -> the DPV purpose concept it narrows.
PURPOSE_WORDS: tuple[tuple[str, str], ...] = (
    (r"direct_?market|newsletter|offer", "dpv:DirectMarketing"),
    (r"market", "dpv:Marketing"),
    (r"fraud|misuse", "dpv:FraudPreventionAndDetection"),
    (r"recruit|job|applica", "dpv:HumanResourceManagement"),
    (r"credit", "dpv:CustomerSolvencyMonitoring"),
    (r"legal_claim|dispute", "dpv:DisputeManagement"),
    (r"bookkeep|accounting|invoic|legal", "dpv:LegalCompliance"),
    (r"deliver|install|shipping", "dpv:DeliveryOfGoods"),
    (r"order|purchase", "dpv:CustomerOrderManagement"),
    (r"complain|support|service|inquir|enquir|contact", "dpv:CustomerCare"),
    (r"survey|satisfaction|analys|statistic", "dpv:CustomerRelationshipManagement"),
    (r"profile|customer|admin", "dpv:CustomerManagement"),
)


def dpv_purpose(p: Purpose) -> str:
    """The DPV purpose concept a purpose narrows; by its basis when no word matches."""
    text = f"{p.key} {p.name.en}".lower().replace(" ", "_")
    for pattern, concept in PURPOSE_WORDS:
        if re.search(pattern, text):
            return concept
    return {"b": "dpv:ServiceProvision", "c": "dpv:LegalCompliance", "d": "dpv:VitalInterest"}.get(
        p.legal_basis.article, "dpv:Purpose"
    )


def ropa_jsonld(policy: Policy, lang: str = "nb") -> dict[str, Any]:
    c = policy.controller
    base = f"urn:personvern:{c.country.lower()}:{c.orgnr}:"
    controller: dict[str, Any] = {
        "@id": f"{base}controller",
        "@type": "dpv:DataController",
        "schema:name": c.name,
        "dpv:hasIdentifier": c.orgnr,
        "dpv:hasAddress": f"{c.address.street}, {c.address.postcode} {c.address.city}, {c.address.country}",
        **({"schema:email": c.email} if c.email else {}),
        **({"schema:telephone": c.phone} if c.phone else {}),
    }
    if c.dpo is not None:
        controller["dpv:hasDataProtectionOfficer"] = {
            "@type": "dpv:DataProtectionOfficer",
            "schema:name": c.dpo.name,
            "schema:email": c.dpo.email,
        }
    graph: list[dict[str, Any]] = [controller]
    graph += [_recipient(base, r, lang) for r in policy.recipients]
    graph += [_process(policy, base, p, lang) for p in policy.purposes]
    # The record itself is a node of the graph, not the graph's name: a top-level @id beside @graph would put
    # every statement in a named graph; this way the document loads into the default graph.
    graph.insert(0, {
        "@id": f"{base}ropa",
        "dct:title": f"{c.name}: {TITLE.get(lang, TITLE['en'])}",
        "dct:hasVersion": policy.policy.version,
        "dct:valid": policy.policy.effective.isoformat(),
    })
    return {"@context": CONTEXT, "@graph": graph}


def _label(text: Any) -> list[dict[str, str]]:
    return [{"@value": text.nb, "@language": "nb"}, {"@value": text.en, "@language": "en"}]


def _bases(basis: LegalBasis) -> list[dict[str, str]]:
    return [{"@id": LEGAL_BASIS[basis.article]}, {"@id": f"eu-gdpr:A6-1-{basis.article}"}]


def _process(policy: Policy, base: str, p: Purpose, lang: str) -> dict[str, Any]:
    cats, subjects, sources = taxonomy.categories(policy), taxonomy.subjects(policy), taxonomy.sources(policy)
    node: dict[str, Any] = {
        "@id": f"{base}process/{p.key}",
        "@type": "dpv:Process",
        "dpv:hasDataController": {"@id": f"{base}controller"},
        "dpv:hasPurpose": {
            "@id": f"{base}purpose/{p.key}",
            "@type": "dpv:Purpose",
            "skos:broader": {"@id": dpv_purpose(p)},
            "rdfs:label": _label(p.name),
            "dct:description": _label(p.description),
        },
        "dpv:hasLegalBasis": [x for b in (p.legal_basis, *p.also_based_on) for x in _bases(b)],
        "dpv:hasPersonalData": [
            {"@id": f"{base}data/{k}", "rdfs:label": taxonomy.label(cats, k, lang)} for k in p.categories
        ],
        "dpv:hasDataSubject": [
            {"@id": f"{base}subject/{k}", "rdfs:label": taxonomy.label(subjects, k, lang)} for k in p.subjects
        ],
        "dpv:hasDataSource": [
            {"@id": f"{base}source/{k}", "rdfs:label": taxonomy.label(sources, k, lang)} for k in p.sources
        ],
        "dpv:hasRecipient": [{"@id": f"{base}recipient/{r.key}"} for r in policy.recipients_of(p.key)],
    }
    if p.special_categories:
        node["dpv:hasPersonalData"] += [
            {
                "@id": f"{base}data/{k}",
                "@type": "dpv:SpecialCategoryPersonalData",
                "rdfs:label": taxonomy.label(cats, k, lang),
            }
            for k in p.special_categories
        ]
    if p.retention is not None:
        node["dpv:hasStorageCondition"] = {
            "@type": "dpv:StorageDuration",
            "rdfs:comment": describe_retention(p.retention, policy, lang),
        }
    if p.security is not None:
        node["dpv:hasTechnicalOrganisationalMeasure"] = {
            "@type": "dpv:TechnicalOrganisationalMeasure",
            "rdfs:comment": p.security(lang),
        }
    if p.automated_decision:
        node["dpv:hasContext"] = {"@id": "dpv:AutomatedDecisionMaking"}
    if p.dpia is not None:
        node["dpv:hasImpactAssessment"] = {
            "@type": "dpv:DPIA",
            "rdfs:comment": "carried out" if p.dpia else "not required",
        }
    return node


def _recipient(base: str, r: Recipient, lang: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"{base}recipient/{r.key}",
        "@type": ["dpv:Recipient", ROLE[r.role]],
        "rdfs:label": _label(r.name),
        "dpv:hasCountry": {"@id": f"loc:{r.country}"},
    }
    if not r.in_eea and r.safeguard is not None:
        if r.safeguard in SAFEGUARD:
            node["dpv:hasLegalBasis"] = {"@id": SAFEGUARD[r.safeguard]}
        else:
            note = r.safeguard_note(lang) if r.safeguard_note else "GDPR Art. 49(1)"
            node["dpv:hasLegalBasis"] = {"@type": "dpv:LegalBasis", "rdfs:comment": note}
    if r.agreement is not None:
        node["dpv:hasTechnicalOrganisationalMeasure"] = {"@type": "dpv:DataProcessingAgreement",
                                                         "rdfs:comment": r.agreement(lang)}
    return node
