"""Activating a new policy version, and telling the subjects a material change touches (TP16, Art. 12-14).

TP16: "Policy changes are published; material changes are also told by e-mail." ``activate_policy`` stores
the file's text in ``policy_versions`` under its SHA-256, compares it with the previous active version (or,
the first time, with the policy the register runs on) with ``personvern.notice.diff_policies``, and when a
change is material queues one e-mail per affected subject that has an e-mail address, recording each in
``policy_notices``. What is *affected*:

- a change to a purpose (basis, categories, longer retention, profiling ...): subjects with an active record
  under it; a new purpose: also every subject of a kind it covers;
- a change to a recipient or a transfer: subjects with records under the purposes the recipient receives;
- a change of controller or a new joint controller, or a change this module cannot place: every subject.

Subjects are selected set-based in SQL, in batches keyed on the subject id; their addresses are decrypted a
batch at a time with their subject keys, and each batch's e-mails are queued with one ``enqueue_many``. Only
subjects that existed at activation are told (a newer one got the new notice when its data was collected).
Running it again for the same text sends nothing new, and an interrupted run picks up where it stopped:
``policy_notices`` is the ledger.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, exists, insert, or_, select, true

from personvern.errors import RegisterError
from personvern.notice import diff_policies
from personvern.notice.wording import long_date
from personvern.policy import load_policy
from personvern.policy.model import Policy
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.register.outbox import Email, Message, enqueue_many
from personvern.service.events import PolicyActivated

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["PolicyActivation", "activate_policy", "affected_scope"]

TOPIC = "policy_change"
BATCH = 500


@dataclass(frozen=True)
class PolicyActivation:
    version_id: int
    version: str  # the policy's own version label (TP16: it carries its date)
    sha256: str
    material: list[dict[str, str]]  # kind, key and (nb) description of each material change
    notified: int  # e-mails queued by this call
    already_active: bool  # the same text was activated before: only what an interrupted run left is sent


@dataclass(frozen=True)
class Scope:
    """Who a set of material changes touches: everyone, or subjects with records under ``purposes`` or of
    the subject ``kinds`` a new purpose covers."""

    everyone: bool
    purposes: frozenset[str]
    kinds: frozenset[str]

    def __bool__(self) -> bool:
        return self.everyone or bool(self.purposes or self.kinds)


def activate_policy(reg: Register, policy_file_text: str, *, by: str, batch: int = BATCH,
                    file_name: str = "policy.yaml") -> PolicyActivation:
    """Make ``policy_file_text`` the active policy version and announce material changes by e-mail (TP16).
    Invalid text raises PolicyError with ``file_name:line: field: message`` for every problem."""
    new = _parse(policy_file_text, file_name)
    sha = hashlib.sha256(policy_file_text.encode()).hexdigest()
    v = t.policy_versions
    with reg.transaction() as c:
        latest = c.execute(select(v).order_by(v.c.id.desc()).limit(1)).first()
        if latest is not None and latest.sha256 == sha:
            vid, material, at, again = latest.id, list(latest.material or []), latest.activated_at, True
        else:
            if c.execute(select(v.c.id).where(v.c.sha256 == sha)).first() is not None:
                raise RegisterError("this exact policy text was active before and has been replaced; change it "
                                    "(e.g. its version or date) to activate it again", field="policy")
            old = _parse(latest.body, "active-policy.yaml") if latest is not None else reg.policy
            material = [{"kind": x.kind, "key": x.key, "description": x.description}
                        for x in diff_policies(old, new, "nb").material]
            at, again = reg.clock(), False
            vid = int(c.execute(insert(v).values(version=new.policy.version, sha256=sha, body=policy_file_text,
                                                 activated_at=at, material=material).returning(v.c.id)).scalar_one())
    scope = affected_scope(new, material)
    sent = _announce(reg, new, vid, at, material, scope, batch) if scope else 0
    with reg.transaction() as c:
        reg.acting(by, reg.role).audit(c, PolicyActivated(policy_version_id=vid, version=new.policy.version,
                                                          material=len(material), notified=sent))
    return PolicyActivation(vid, new.policy.version, sha, material, sent, again)


def _parse(text: str, file_name: str) -> Policy:
    with tempfile.TemporaryDirectory(prefix="personvern-policy-") as tmp:
        path = Path(tmp) / Path(file_name).name
        path.write_text(text, encoding="utf-8")
        return load_policy(path, datastores=False).policy  # mapping files stay beside the real policy


def affected_scope(new: Policy, material: list[dict[str, str]]) -> Scope:
    """Which subjects the material changes touch (see the module docstring)."""
    purposes: set[str] = set()
    kinds: set[str] = set()
    recipients = {r.key: r for r in new.recipients}
    everyone = False
    for change in material:
        key, kind = change["key"], change["kind"]
        if kind.startswith("recipient_") or kind.startswith("transfer_"):
            r = recipients.get(key)
            purposes |= set(r.purposes) if r else set()
            everyone |= r is None
        elif (p := new.purpose(key)) is not None:
            purposes.add(key)
            kinds |= set(p.subjects) if kind == "purpose_added" else set()
        else:
            everyone = True  # controller changes, or a change we cannot place: tell everyone
    return Scope(everyone, frozenset(purposes), frozenset(kinds))


def _announce(reg: Register, new: Policy, vid: int, at: datetime, material: list[dict[str, str]], scope: Scope,
              batch: int) -> int:
    """Queue the e-mails batch by batch, each batch one transaction; returns how many were queued."""
    mail = _message(new, material)
    sent, last = 0, 0
    while True:
        with reg.transaction() as c:
            ids = _candidates(c, vid, at, scope, last, batch)
            if not ids:
                return sent
            sent += _send_batch(reg, c, vid, ids, mail)
            last = ids[-1][0]


def _candidates(c: Connection, vid: int, at: datetime, scope: Scope, after: int, batch: int) -> list[tuple[int, str]]:
    s, i, r, n = t.subjects, t.identifiers, t.records, t.policy_notices
    if scope.everyone:
        touched: Any = true()
    else:
        touched = or_(s.c.kind.in_(sorted(scope.kinds)), exists().where(
            r.c.subject_id == s.c.id, r.c.purpose.in_(sorted(scope.purposes)), r.c.state == "active"))
    q = (select(s.c.id, s.c.ref).where(
        s.c.id > after, s.c.created_at <= at, touched,
        exists().where(i.c.subject_id == s.c.id, i.c.kind == "email"),
        ~exists().where(and_(n.c.subject_id == s.c.id, n.c.policy_version_id == vid)))
         .order_by(s.c.id).limit(batch))
    return [(int(x.id), str(x.ref)) for x in c.execute(q)]


def _send_batch(reg: Register, c: Connection, vid: int, subjects: list[tuple[int, str]], mail: tuple[str, str]) -> int:
    i = t.identifiers
    ids = [sid for sid, _ in subjects]
    keys = reg.keys.subject_keys(c, ids)
    first: dict[int, Any] = {}
    for row in c.execute(select(i.c.subject_id, i.c.value, i.c.masked).where(
            i.c.subject_id.in_(ids), i.c.kind == "email").order_by(i.c.id)):
        first.setdefault(row.subject_id, row)
    now = reg.clock()
    told: list[tuple[int, str, str, str]] = []  # subject id, ref, address, masked address
    for sid, ref in subjects:
        found, key = first.get(sid), keys.get(sid)
        if found is None or key is None:
            continue  # erased meanwhile: its key is shredded and there is nobody to tell
        told.append((sid, ref, decrypt(key, found.value, b"email").decode(), found.masked))  # stored normalised
    oids = enqueue_many(reg, c, [Message.email(Email(to=to, subject=mail[0], text=mail[1]), topic=TOPIC,
                                               idempotency_key=f"{TOPIC}:{vid}:{ref}", masked_to=masked,
                                               subject_ref=ref) for _, ref, to, masked in told])
    if told:
        c.execute(insert(t.policy_notices), [{"subject_id": sid, "policy_version_id": vid, "outbox_id": oid,
                                              "sent_at": now} for (sid, *_), oid in zip(told, oids, strict=True)])
    return len(told)


def _message(new: Policy, material: list[dict[str, str]]) -> tuple[str, str]:
    """The e-mail's subject line and text, in Norwegian: what changed and where the new notice is published.
    The whole notice is not attached: a million copies of it would fill the outbox (it is published, TP16)."""
    c = new.controller
    changes = "\n".join(f"- {m['description']}" for m in material)
    page = c.website or c.contact_form
    where = (f"finner du på {page}" if page else
             f"får du ved å skrive til {c.email}" if c.email else f"får du ved å kontakte {c.name}")
    text = (f"Vi har endret personvernerklæringen til {c.name} (versjon {new.policy.version}, gjeldende fra "
            f"{long_date(new.policy.effective, 'nb')}). Disse endringene kan ha betydning for deg:\n\n{changes}\n\n"
            f"Den nye personvernerklæringen i sin helhet {where}.")
    return f"Endringer i personvernerklæringen til {c.name}", text
