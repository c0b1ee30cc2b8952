"""A demo register for ``personvern demo``: one of the five seed companies with synthetic Norwegian customers.

    result = build_demo("tek-zence", "sqlite:///demo.db", customers=200)

The customers are generated from the policy itself, so every seed company works: for each purpose that
covers customers, a record with the purpose's categories, its events and (for consent-based purposes) a
consent; marketing purposes get per-channel choices (TP13f). All names, e-mail addresses (example.no, RFC
2606-style reserved for documentation), +47 mobile numbers (Nkom's 4xx/9xx series, validated by
phonenumbers) and fødselsnummer (python-stdnum check digits) are invented. Loading goes through
:func:`personvern.register.ingest.import_file`, set-based, so 200 customers take well under a second.
One customer is always the same, "Kari Nordmann", so a newcomer knows which number to look up and which
address to log in with. Demo staff users are created with known passwords (printed by the command).
"""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import phonenumbers
from sqlalchemy import insert, select
from stdnum.no import fodselsnummer

from personvern.policy import taxonomy
from personvern.policy.model import Policy, Purpose
from personvern.policy.retention import anchors
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.ingest import import_file

COMPANIES = ("tek-zence", "sensornordic", "tp-ecommerce", "kl-miljovarme", "pilaro")
DEMO_EMAIL = "kari.nordmann@example.no"
DEMO_PHONE = "+47 975 27 747"
# Demo logins: printed by `personvern demo`; only ever for a local demo database.
STAFF = (("agent", "agent-demo-passord", "agent", "Kundeservice"),
         ("personvernombud", "ombud-demo-passord", "privacy_officer", "Personvernombud"),
         ("admin", "admin-demo-passord", "admin", "Administrator"))
FIRST = ["Kari", "Ola", "Ingrid", "Per", "Liv", "Lars", "Nora", "Emil", "Sofie", "Jakob", "Astrid", "Henrik",
         "Sigrid", "Magnus", "Marte", "Anders", "Ida", "Jonas", "Solveig", "Eirik"]
LAST = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
        "Karlsen", "Berg", "Haugen", "Bakken", "Dahl", "Lie", "Moen", "Strand", "Solberg", "Eide", "Lunde"]
STREETS = ["Storgata", "Kirkeveien", "Fjordveien", "Skogveien", "Industriveien", "Bryggen", "Elvegata"]
PLACES = ["0155 Oslo", "5003 Bergen", "7011 Trondheim", "4006 Stavanger", "9008 Tromsø", "3015 Drammen"]
GOODS = ["Oppvaskmaskin", "TV 55\"", "Kaffemaskin", "Robotstøvsuger", "Varmepumpe", "Alarmpakke", "Sykkel"]
MOBILE = ["40", "41", "45", "46", "47", "48", *(str(n) for n in range(90, 100))]  # Nkom's mobile series


@dataclass
class DemoResult:
    db_url: str
    company: str
    customers: int
    staff: list[tuple[str, str, str]] = field(default_factory=list)  # (username, password, role)
    demo_email: str = DEMO_EMAIL
    demo_phone: str = DEMO_PHONE
    demo_subject: str = ""
    requests: int = 0


def policy_path(company: str) -> Path:
    """The seed company's policy, shipped in the package (``personvern/examples``, a link to the repository's
    ``examples/`` in a checkout, copied into the wheel)."""
    if company not in COMPANIES:
        from personvern.errors import RegisterError

        raise RegisterError(f"unknown demo company; one of {', '.join(COMPANIES)}", field="company")
    here = Path(__file__).resolve().parent
    path = here / "examples" / "policies" / f"{company}.yaml"
    if path.is_file():
        return path
    from personvern.errors import RegisterError

    raise RegisterError(f"the example policy {company}.yaml is missing from the installed package ({path}); "
                        "reinstall personvern", field="company")


def build_demo(company: str, db_url: str, *, customers: int = 200, seed: int = 7,
               master_key: Any = None) -> DemoResult:
    """Create and fill a demo register in a new database; returns what the command prints."""
    kw: dict[str, Any] = {"master_key": master_key} if master_key else {}
    with Register.open(policy_path(company), db_url, **kw) as reg:
        return fill_demo(reg, company=company, customers=customers, seed=seed, db_url=db_url)


def fill_demo(reg: Register, *, company: str = "", customers: int = 200, seed: int = 7,
              db_url: str = "") -> DemoResult:
    """Fill an open, empty register with demo customers, requests and staff users (tests use this)."""
    from personvern.errors import RegisterError
    from personvern.web.auth import create_staff_user

    demo = reg.acting("demo", "system")
    rng = random.Random(seed)
    rows = list(_rows(demo.policy, rng, max(customers, 1), demo.today()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        report = import_file(demo, path)
    if report.errors:
        raise RegisterError(f"demo data refused: {report.errors[:3]}", field="demo")
    result = DemoResult(db_url, company, report.subjects)
    result.demo_subject = demo.find("email", DEMO_EMAIL)[0]
    _marketing_choices(demo, rng)
    result.requests = _open_requests(demo, rng)
    for username, password, role, name in STAFF:
        create_staff_user(demo, username, password, role, display_name=name)
        result.staff.append((username, password, role))
    return result


# -- customers, from the policy -----------------------------------------------------------------------------

def customer_kind(policy: Policy) -> str:
    kinds = taxonomy.subjects(policy)
    return "customer" if "customer" in kinds else policy.purposes[0].subjects[0]


def _rows(policy: Policy, rng: random.Random, n: int, today: date) -> Any:
    kind = customer_kind(policy)
    purposes = [p for p in policy.purposes if kind in p.subjects and not p.special_categories]
    nid = next((p.key for p in purposes if "national_id" in p.identifiers), None)
    taken: set[str] = {"97527747"}
    for i in range(1, n + 1):
        first, last = ("Kari", "Nordmann") if i == 1 else (rng.choice(FIRST), rng.choice(LAST))
        phone = DEMO_PHONE if i == 1 else _phone(rng, taken)
        email = DEMO_EMAIL if i == 1 else f"{first}.{last}.{i}@example.no".lower()
        key = f"c{i}"
        subject: dict[str, Any] = {"type": "subject", "id": key, "kind": kind, "email": email, "phone": phone,
                                   "customer_number": f"K-{i:06d}"}
        if nid:
            born = date(1945, 1, 1) + timedelta(days=rng.randrange(365 * 60))
            subject |= {"national_id": fodselsnummer_for(rng, born), "national_id_purpose": nid}
        yield subject
        person = {"name": f"{first} {last}", "email": email, "phone": phone,
                  "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {rng.choice(PLACES)}"}
        start = today - timedelta(days=rng.randint(30, 5 * 365))
        for n_p, p in enumerate(purposes):
            if i == 1 or n_p == 0 or p.on_erasure == "seal" or rng.random() < 0.6:
                yield _record(policy, p, key, person, start, today, rng, i)
        if i > 1 and rng.random() < 0.35 and "customer.relationship_ended" in policy.events:
            ended = min(today, start + timedelta(days=rng.randint(60, 3 * 365)))
            yield {"type": "event", "subject": key, "event": "customer.relationship_ended",
                   "date": ended.isoformat()}


def _record(policy: Policy, p: Purpose, key: str, person: dict[str, str], start: date, today: date,
            rng: random.Random, i: int) -> dict[str, Any]:
    cats = [c for c in p.categories if "government_id" not in c and "financial" not in c][:5] or p.categories[:1]
    payload = {c: _fake(c, person, rng) for c in cats}
    collected = start + timedelta(days=rng.randint(0, max((today - start).days - 1, 0)))
    row: dict[str, Any] = {"type": "record", "subject": key, "purpose": p.key, "categories": cats,
                           "payload": payload, "collected": collected.isoformat(),
                           "source": "subject" if "subject" in p.sources else p.sources[0]}
    if p.on_erasure == "seal":
        row["ref"] = f"ORD-{i:06d}-{p.key[:4]}"
    if p.legal_basis.article == "a":
        row["consent"] = {"method": "web_form", "given": collected.isoformat()}
    events = {}
    for anchor in sorted(anchors(p.retention) if p.retention else ()):
        if anchor in policy.events and anchor != "customer.relationship_ended" and rng.random() < 0.8:
            events[anchor] = min(today, collected + timedelta(days=rng.randint(0, 40))).isoformat()
    if events:
        row["events"] = events
    return row


def _fake(category: str, person: dict[str, str], rng: random.Random) -> str:
    for needle, value in (("name", person["name"]), ("email", person["email"]), ("phone", person["phone"]),
                          ("address", person["address"])):
        if needle in category:
            return value
    if "purchase" in category or "order" in category:
        return f"{rng.choice(GOODS)}, {rng.randint(5, 250) * 100} kr"
    return rng.choice(["ja", "nei", "standard", "se notat", "levert"])


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        digits = rng.choice(MOBILE) + f"{rng.randint(0, 999_999):06d}"
        if digits not in taken and phonenumbers.is_valid_number(phonenumbers.parse(digits, "NO")):
            taken.add(digits)
            return rng.choice([f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}", digits, f"0047{digits}"])


def fodselsnummer_for(rng: random.Random, born: date) -> str:
    """A valid fødselsnummer: DDMMYY, an individual number by century, two mod-11 check digits."""
    while True:
        low, high = (0, 499) if born.year < 2000 else (500, 999)
        number = born.strftime("%d%m%y") + f"{rng.randint(low, high):03d}"
        try:
            number += fodselsnummer.calc_check_digit1(number)
            number += fodselsnummer.calc_check_digit2(number)
        except ValueError:  # a check digit of 10: this individual number is not issued
            continue
        if fodselsnummer.is_valid(number):
            return number


# -- consents per channel, open requests --------------------------------------------------------------------

def _marketing_choices(reg: Register, rng: random.Random) -> None:
    """Per-channel consents for marketing purposes (TP13f): most customers said yes to e-mail, fewer to SMS.
    One insert for all rows (set-based)."""
    marketing = [p for p in reg.policy.purposes if p.marketing and p.marketing.channels]
    if not marketing:
        return
    with reg.transaction() as c:
        ids = list(c.execute(select(t.subjects.c.id).order_by(t.subjects.c.id)).scalars())
        now = reg.clock()
        rows = [{"subject_id": sid, "purpose": p.key, "channel": ch, "given_at": now, "method": "demo",
                 "policy_version": reg.policy.policy.version, "actor": "demo"}
                for sid in ids for p in marketing for ch in p.marketing.channels  # type: ignore[union-attr]
                if sid == ids[0] or rng.random() < (0.7 if ch == "email" else 0.4)]
        if rows:
            c.execute(insert(t.consents), rows)


def _open_requests(reg: Register, rng: random.Random) -> int:
    """A few open requests with deadlines (Art. 12(3): one month from receipt), some overdue, some verified,
    opened through ``personvern.rights.requests`` as if they had arrived on those days."""
    from personvern.rights import requests as rq

    kinds = ["access", "erasure", "rectification", "access", "objection", "portability", "restriction", "access"]
    ages = [3, 9, 15, 22, 27, 33, 40, 12]
    with reg.engine.connect() as c:
        refs = list(c.execute(select(t.subjects.c.ref).order_by(t.subjects.c.id).offset(5).limit(len(kinds)))
                    .scalars())
    for n, ref in enumerate(refs):
        received = datetime.combine(reg.today() - timedelta(days=ages[n]), time(10), tzinfo=UTC)
        view = rq.open_request(reg, kinds[n], subject=ref, channel=rng.choice(["portal", "email", "letter"]),
                               received_at=received)
        if n % 3:
            rq.verify(reg, view.ref, method="email_code", by="demo")
    return len(refs)
