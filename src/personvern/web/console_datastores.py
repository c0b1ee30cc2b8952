"""The business's own databases in the console (issue 16): for the privacy officer, each datastore of the
policy — reached, or not reached and why (its URL variable unset, the database not answering) — with each
table's purpose, mapped columns and what erasure does there; a preview of the retention sweep on a chosen day
(due rows per table and rule, and the SQL that finds them); running it is for admins, after a confirmation
(as ``POST /api/datastores/{name}/sweep/run``).

The page only calls ``personvern.datastores`` (``reach``, ``sweep`` with ``dry_run`` and ``plan``); one
customer's rows in the shop are in the register copy of their access request (``rights``), linked from here.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from personvern.datastores import Reach, SweepResult, reach, sweep
from personvern.datastores.erasure import table_action
from personvern.errors import DatastoreError, PersonvernError, RegisterError
from personvern.notice.wording import describe_retention
from personvern.policy import taxonomy
from personvern.policy.datastores import Declared, TableMap
from personvern.register import Register
from personvern.web.api.datastores import declared_store
from personvern.web.auth import Principal, acting_register, require_page
from personvern.web.i18n import CATALOGUE, lang_of, page, problem, translate

router = APIRouter(include_in_schema=False)
Officer = Annotated[Principal, Depends(require_page("privacy_officer"))]
Admin = Annotated[Principal, Depends(require_page("admin"))]

_WORDS: dict[str, dict[str, str]] = {
    "nb": {
        "nav.datastores": "Databaser",
        "ds.lead": "Bedriftens egne databaser, slik personvernerklæringen kartlegger dem: hvilke tabeller som har "
                   "personopplysninger, til hvilket formål, og hva sletting gjør der.",
        "ds.none": "Erklæringen kartlegger ingen av bedriftens egne databaser.",
        "ds.reached": "Nådd", "ds.not_reached": "ikke nådd", "ds.read_only": "bare innsyn",
        "ds.unset": "Miljøvariabelen {detail} er ikke satt på serveren.",
        "ds.down": "Databasen svarte ikke: {detail}",
        "ds.problems": "Merknader til kartleggingen",
        "ds.table": "Tabell", "ds.columns": "Kolonner", "ds.identity": "Finner personen",
        "ds.on_erasure": "Ved sletting",
        "ds.erasure.delete": "Slettes", "ds.erasure.keep": "Beholdes uten personopplysninger (lovpålagt)",
        "ds.erasure.anonymise": "Anonymiseres: raden blir, personen fjernes", "ds.erasure.retain": "Beholdes uendret",
        "ds.one_person": "Én kundes rader i databasen står i registerkopien til kundens innsynsbegjæring, under "
                         "Henvendelser.",
        "ds.sweep": "Slettejobben i databasen {date}", "ds.rule": "Regel", "ds.action": "Handling",
        "ds.due": "Forfalt", "ds.done": "Utført", "ds.skipped": "ikke med: {why}",
        "ds.then.delete": "slettes", "ds.then.reduce": "reduseres", "ds.then.review": "vurderes manuelt",
        "ds.then.hand_over": "overleveres",
        "ds.plan": "SQL som finner radene", "ds.dry_run": "Forhåndsvisning: ingenting endres.",
        "ds.run": "Kjør slettejobben i databasen",
        "ds.run_lead": "Sletter radene over i omganger på 5000, én transaksjon hver. Kan ikke angres.",
        "ds.confirm_box": "Jeg har sett over forhåndsvisningen og vil slette radene",
        "ds.must_confirm": "Kryss av for at du har sett over forhåndsvisningen.",
        "ds.ran": "Slettejobben er kjørt i «{name}»: {n} rader behandlet.",
    },
    "en": {
        "nav.datastores": "Databases",
        "ds.lead": "The business's own databases as the privacy policy maps them: which tables hold personal data, "
                   "for which purpose, and what erasure does there.",
        "ds.none": "The policy maps none of the business's own databases.",
        "ds.reached": "Reached", "ds.not_reached": "not reached", "ds.read_only": "access only",
        "ds.unset": "The environment variable {detail} is not set on the server.",
        "ds.down": "The database did not answer: {detail}",
        "ds.problems": "Notes on the mapping",
        "ds.table": "Table", "ds.columns": "Columns", "ds.identity": "Finds the person",
        "ds.on_erasure": "On erasure",
        "ds.erasure.delete": "Deleted", "ds.erasure.keep": "Kept without personal data (required by law)",
        "ds.erasure.anonymise": "Anonymised: the row stays without its person", "ds.erasure.retain": "Kept as it is",
        "ds.one_person": "One customer's rows in the database are in the register copy of their access request, "
                         "under Requests.",
        "ds.sweep": "The deletion job in the database on {date}", "ds.rule": "Rule", "ds.action": "Action",
        "ds.due": "Due", "ds.done": "Done", "ds.skipped": "left out: {why}",
        "ds.then.delete": "deleted", "ds.then.reduce": "reduced", "ds.then.review": "reviewed by hand",
        "ds.then.hand_over": "handed over",
        "ds.plan": "The SQL that finds the rows", "ds.dry_run": "Preview: nothing is changed.",
        "ds.run": "Run the deletion job in the database",
        "ds.run_lead": "Deletes the rows above in batches of 5000, one transaction each. It cannot be undone.",
        "ds.confirm_box": "I have reviewed the preview and want to delete the rows",
        "ds.must_confirm": "Tick the box to confirm you reviewed the preview.",
        "ds.ran": "The deletion job ran in “{name}”: {n} rows handled.",
    },
}
for _lang, _words in _WORDS.items():
    CATALOGUE.setdefault(_lang, {}).update(_words)


def _table(reg: Register, t: TableMap, lang: str) -> dict[str, Any]:
    """One mapped table in words: purpose by name, columns with their categories, identity columns by kind."""
    labels = taxonomy.categories(reg.policy)
    p = reg.policy.purpose(t.purpose)
    columns = [(c, taxonomy.label(labels, cat, lang)) for c, cat in t.columns.items()]
    columns += [(f"{c}.{path}", taxonomy.label(labels, cat, lang)) for c, paths in t.json_columns.items()
                for path, cat in paths.items()]
    if t.key_value is not None:
        columns += [(f"{t.key_value.value} [{k}]", taxonomy.label(labels, cat, lang))
                    for k, cat in t.key_value.keys.items()]
    return {"table": t.table, "purpose": p.name(lang) if p else t.purpose, "columns": columns,
            "identity": [(c, translate(lang, f"ident.{kind}")) for c, kind in t.identity.items()],
            "erasure": translate(lang, f"ds.erasure.{table_action(reg.policy, t)}")}


def _preview(reg: Register, r: Reach, day: date, lang: str) -> dict[str, Any]:
    """The dry run (due rows per table and rule) and the plan (its SQL); a failure reads as not reached."""
    assert r.bound is not None
    try:
        counted = sweep(r.bound, reg.policy, day, dry_run=True)
        plan = sweep(r.bound, reg.policy, day, plan=True)
    except (SQLAlchemyError, DatastoreError) as exc:
        return {"error": translate(lang, "ds.down", detail=type(exc).__name__)}
    return {"rows": _rows(reg, counted, lang), "sql": "\n\n".join(plan.statements)}


def _rows(reg: Register, result: SweepResult, lang: str) -> list[dict[str, Any]]:
    out = []
    for t in result.tables:
        p = reg.policy.purpose(t.purpose)
        rule = describe_retention(p.retention, reg.policy, lang) if p and p.retention else t.rule
        out.append({"table": t.table, "rule": rule, "action": translate(lang, f"ds.then.{t.action}"),
                    "due": t.due, "done": t.done,
                    "skipped": translate(lang, "ds.skipped", why=t.skipped) if t.skipped else ""})
    return out


def _store(reg: Register, declared: Declared, day: date, lang: str) -> dict[str, Any]:
    r = reach(declared, reg.policy)
    store = declared.store
    shown: dict[str, Any] = {
        "name": store.name, "read_only": store.read_only, "reached": r.bound is not None,
        "reason": translate(lang, f"ds.{r.why}", detail=r.detail) if r.why else "",
        "problems": [f"{x.field}: {x.message}" for x in r.problems],
        "tables": [_table(reg, t, lang) for t in store.tables]}
    if r.bound is not None:
        shown.update(_preview(reg, r, day, lang))
    return shown


def _page(request: Request, who: Principal, as_of: date | None, *, ran: dict[str, Any] | None = None,
          error: PersonvernError | None = None) -> Response:
    from personvern.web.app import status_of

    reg = acting_register(request, who)
    lang = lang_of(request)
    day = as_of or reg.today()
    stores = [_store(reg, d, day, lang) for d in reg.datastores]
    return page(request, "console/datastores.html",
                {"area": "console", "home": "/console", "who": who, "active": "datastores", "stores": stores,
                 "day": day, "ran": ran, "problem": problem(lang, error) if error else None},
                title=translate(lang, "nav.datastores"), status=status_of(error) if error else 200)


@router.get("/datastores", response_class=HTMLResponse)
def datastores_page(request: Request, who: Officer, as_of: date | None = None) -> Response:
    """Each datastore of the policy, its mapping, and the sweep's preview on ``as_of`` (default today)."""
    return _page(request, who, as_of)


@router.post("/datastores/{name}/sweep", response_class=HTMLResponse)
def run_sweep(request: Request, name: str, who: Admin, as_of: Annotated[date | None, Form()] = None,
              confirm: Annotated[str, Form()] = "") -> Response:
    """Run the sweep in one datastore on ``as_of``, only with ``confirm=yes`` from the page (admin)."""
    reg = acting_register(request, who)
    declared = declared_store(reg, name)
    lang = lang_of(request)
    if confirm != "yes":
        return _page(request, who, as_of, error=RegisterError(translate(lang, "ds.must_confirm"), field="confirm"))
    r = reach(declared, reg.policy)
    if r.bound is None:
        return _page(request, who, as_of, error=DatastoreError(
            translate(lang, f"ds.{r.why}", detail=r.detail), field=declared.store.url_env))
    try:
        result = sweep(r.bound, reg.policy, as_of or reg.today())
    except (SQLAlchemyError, DatastoreError) as exc:
        detail = str(exc) if isinstance(exc, DatastoreError) else type(exc).__name__
        return _page(request, who, as_of, error=DatastoreError(translate(lang, "ds.down", detail=detail)))
    ran = {"message": translate(lang, "ds.ran", name=name, n=sum(t.done for t in result.tables)),
           "name": name, "rows": _rows(reg, result, lang)}
    return _page(request, who, as_of, ran=ran)
