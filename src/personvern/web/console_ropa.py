"""The Art. 30 record in the console: one card per processing activity (every field readable in a 1280 px
window, no sideways scrolling), the missing mandatory fields as a short checklist saying where in the policy
file to fix each, and downloads as xlsx, csv and pdf. The record itself comes from ``personvern.notice``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from personvern.notice.ropa import COLUMNS, MISSING, Row, ropa_rows
from personvern.web.auth import Principal, acting_register, require_page
from personvern.web.i18n import lang_of, page, templates, translate

router = APIRouter(include_in_schema=False)
OFFICER = require_page("privacy_officer")
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}
FIELD_WORDS = {
    "nb": {"agreement": "databehandleravtale med «{who}»", "safeguard": "overføringsgrunnlag for «{who}»"},
    "en": {"agreement": "processing agreement with “{who}”", "safeguard": "transfer safeguard for “{who}”"},
}


@dataclass(frozen=True)
class Missing:
    """One line of the checklist: a field, the activities that lack it, and where to fix it."""

    field: str
    activities: tuple[tuple[str, str], ...]  # (purpose key, activity name)
    where: str


def checklist(rows: list[Row], lang: str) -> list[Missing]:
    """The missing mandatory fields, one line per field with every activity that lacks it."""
    words = FIELD_WORDS["en" if lang == "en" else "nb"]
    headers = {c.key: c.header(lang) for c in COLUMNS}
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for row in rows:
        for key in row.missing:
            if key.startswith(("processors.", "transfers.")):
                _, who, what = key.split(".")
                label = words[what].format(who=who)
                where = f"recipients: {who}: {what}"
            elif key == "controller":
                label, where = headers["controller"], "controller: email / phone / contact_form"
            else:
                label, where = headers.get(key, key), f"purposes: {row.key}: {key}"
            entry = found.setdefault(label, (where, []))
            entry[1].append((row.key, row.cells.get("activity", row.key)))
    return [Missing(label, tuple(acts), where if len(acts) == 1 else where.replace(acts[0][0], "…"))
            for label, (where, acts) in found.items()]


def _cards(rows: list[Row], lang: str) -> list[dict[str, Any]]:
    return [{"key": row.key, "name": row.cells.get("activity", row.key),
             "fields": [(c.header(lang), c.mandatory, c.article, row.cells.get(c.key, ""),
                         MISSING in row.cells.get(c.key, "")) for c in COLUMNS if c.key != "activity"]}
            for row in rows]


@router.get("/policy/ropa", response_class=HTMLResponse)
def ropa_page(request: Request, who: Annotated[Principal, Depends(OFFICER)]) -> Response:
    reg = acting_register(request, who)
    lang = "en" if lang_of(request) == "en" else "nb"
    rows = ropa_rows(reg.policy, lang)
    return page(request, "console/ropa.html", {
        "area": "console", "home": "/console", "who": who, "active": "policy", "show": "ropa",
        "cards": _cards(rows, lang), "missing": checklist(rows, lang), "missing_word": MISSING,
    }, title=translate(lang, "policy.ropa"))


@router.get("/policy/ropa.{fmt}")
def ropa_download(request: Request, fmt: str, who: Annotated[Principal, Depends(OFFICER)]) -> Response:
    """The record as a file: xlsx (Datatilsynet's template's columns), csv, or pdf (the page's cards)."""
    from personvern.errors import NotFound
    from personvern.notice import render_ropa

    if fmt not in MEDIA:
        raise NotFound(f"no download as {fmt}; xlsx, csv or pdf", field="format")
    reg = acting_register(request, who)
    lang = "en" if lang_of(request) == "en" else "nb"
    if fmt == "pdf":
        from weasyprint import HTML

        rows = ropa_rows(reg.policy, lang)
        html = templates.get_template("console/ropa_print.html").render(
            lang=lang, policy=reg.policy, cards=_cards(rows, lang), missing=checklist(rows, lang),
            t=lambda key, **kw: translate(lang, key, **kw))
        body: bytes = HTML(string=html).write_pdf()
    else:
        made = render_ropa(reg.policy, fmt, lang)  # type: ignore[arg-type]
        body = made.encode("utf-8") if isinstance(made, str) else made
    name = f"{'protokoll-art30' if lang == 'nb' else 'ropa-art30'}-{reg.policy.controller.orgnr}.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
