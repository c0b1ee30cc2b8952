"""The erasure explanation the subject gets (Art. 17(3), Art. 12(1), TP13c, TZ4): record by record, what was
kept, on which legal ground (the statute's citation from the policy and the statutory catalogue) and until
when, in Norwegian bokmål and English — in words (the purpose, the kinds of data), never the register's record
numbers; when something is kept, where to complain (Art. 12(4), Art. 77: the
policy's supervisory authority, Datatilsynet by default; PI7, TP15)."""

from __future__ import annotations

from typing import Any

from personvern.policy import taxonomy
from personvern.policy.model import Policy
from personvern.policy.statutes import STATUTES
from personvern.register.erasure import ErasureResult, Kept

_OUTCOME = {
    "sealed": {"nb": "forseglet: kan bare finnes med ordre- eller bilagsnummeret, ikke med navn eller kontaktinfo",
               "en": "sealed: it can only be found with the order or voucher number, not by name or contact details"},
    "kept": {"nb": "beholdt og begrenset til dette formålet", "en": "kept, restricted to this purpose"},
    "held": {"nb": "beholdt fordi den er nødvendig for et rettskrav", "en": "kept because a legal claim needs it"},
}
_HEAD = {
    "nb": "Vi har slettet personopplysningene dine (personvernforordningen artikkel 17). "
          "Antall slettede opplysninger: {n}.",
    "en": "We have erased your personal data (Article 17 GDPR). Records erased: {n}.",
}
_NONE = {"nb": "Ingenting ble beholdt.", "en": "Nothing was kept."}
_KEPT = {"nb": "Dette må vi beholde, og hvorfor:", "en": "What we must keep, and why:"}
_UNTIL = {"nb": "til {d}", "en": "until {d}"}
_OPEN = {"nb": "så lenge kravet står", "en": "for as long as the claim stands"}
_TIMES = {"nb": " ({n} opplysninger)", "en": " ({n} records)"}
_LAW = {"nb": "så lenge loven krever", "en": "for as long as the law requires"}
# Art. 12(4): when a request is not met in full, the subject is told of the right to complain (Art. 77, PI7, TP15)
_COMPLAINT = {"nb": "Er du uenig i at vi beholder dette, kan du klage til {name} ({website}).",
              "en": "If you disagree with what we keep, you can complain to {name} ({website})."}


def citation(policy: Policy, kept: Kept) -> dict[str, str | None]:
    """The legal ground of a kept record: the statute's citation and address when the purpose names one."""
    purpose = policy.purpose(kept.purpose)
    statute = STATUTES.get(purpose.legal_basis.statute or "") if purpose else None
    if kept.outcome == "held":
        return {"ground": "GDPR art. 17(3)(e)", "citation": None, "url": None}
    return {"ground": kept.ground, "citation": statute.citation if statute else kept.ground,
            "url": statute.url if statute else None}


def explanation(policy: Policy, result: ErasureResult, ground: str) -> dict[str, Any]:
    """``{"ground": ..., "erased": {...}, "kept": [...], "nb": {"text": ...}, "en": {"text": ...}}``."""
    kept: list[dict[str, Any]] = []
    for k in result.kept:
        purpose = policy.purpose(k.purpose)
        kept.append({"record": k.record, "purpose": k.purpose, "outcome": k.outcome,
                     "purpose_name": {"nb": purpose.name.nb, "en": purpose.name.en} if purpose else None,
                     "until": k.until.isoformat() if k.until else None, **citation(policy, k)})
    authority = policy.controller.supervisory_authority
    out: dict[str, Any] = {"ground": f"GDPR art. 17(1)({ground})", "erased": dict(result.erased), "kept": kept,
                           "subject_removed": result.subject_removed,
                           "complaint_to": {"name": authority.name, "website": authority.website}}
    total = sum(result.erased.values())
    labels = taxonomy.categories(policy)
    for lang in ("nb", "en"):
        lines = [_HEAD[lang].format(n=total), ""]
        lines.append(_KEPT[lang] if kept else _NONE[lang])
        counted: dict[str, int] = {}
        for item, k in zip(kept, result.kept, strict=True):
            name = item["purpose_name"][lang] if item["purpose_name"] else item["purpose"]
            what = ", ".join(dict.fromkeys(taxonomy.label(labels, c, lang) for c in k.categories))
            when = (_UNTIL[lang].format(d=item["until"]) if item["until"]
                    else _OPEN[lang] if item["outcome"] == "held" else _LAW[lang])
            why = item["citation"] or item["ground"]
            line = f"- {name}{f' ({what})' if what else ''}: {_OUTCOME[item['outcome']][lang]}; {why}; {when}"
            counted[line] = counted.get(line, 0) + 1
        lines += [line + (_TIMES[lang].format(n=n) if n > 1 else "") + "." for line, n in counted.items()]
        if kept:
            lines += ["", _COMPLAINT[lang].format(name=authority.name, website=authority.website)]
        out[lang] = {"text": "\n".join(lines) + "\n"}
    return out
