"""Guessing resistance for staff logins and API tokens: progressive delay, then a temporary lockout (issue 18).

Failures are counted per **account** (the username typed), per **client address** (staff logins) and per
client address for **API tokens** (a wrong bearer token). Each counter allows a few failures freely; after
that each further attempt must wait twice as long as the one before (1 s, 2 s, 4 s ... at most
:data:`MAX_DELAY`), and at the lock threshold the key is locked for :data:`LOCK_FOR`. While a key waits, an
attempt is refused *without* checking the password (429 with ``Retry-After`` and a clear message), so a
guesser learns nothing. A success clears the account's counter (not the address's: one good account must
not reset an attacker's address). Counters are forgotten :data:`FORGET_AFTER` after their last failure.

Only SHA-256 hashes of the keys are stored (``login_failures``; an address is personal data); ``label``
keeps an account's username so an admin can see and lift its lock (:func:`unlock`, CLI ``personvern users
unlock``, API ``POST /api/admin/lockouts/unlock``). Every failed, refused and successful login, every refused
token and every unlock is in the audit trail, with the user's id and a short hash of the address.

Delays are enforced by refusing early attempts, never by sleeping: a server thread is not held by a guesser.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Literal
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, delete, insert, select, update

from personvern.audit.events import AuditEvent, register_event
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.web.auth import Principal, StaffUser

__all__ = ["FORGET_AFTER", "LIMITS", "LOCK_FOR", "MAX_DELAY", "Kind", "Limit", "LockState", "Refused",
           "address_tag", "check", "failed", "locks", "login_staff", "succeeded", "token_principal_guarded",
           "unlock"]

Kind = Literal["account", "address", "token"]


@dataclass(frozen=True)
class Limit:
    free: int  # failures allowed without a delay
    lock: int  # failures that lock the key for LOCK_FOR


LIMITS: dict[Kind, Limit] = {"account": Limit(free=3, lock=10), "address": Limit(free=10, lock=50),
                             "token": Limit(free=5, lock=50)}
MAX_DELAY = timedelta(seconds=60)
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
f = t.login_failures


class Refused(Exception):  # a control-flow signal: the web layer answers 429 with Retry-After
    """An attempt refused before its password or token was checked; ``seconds`` to wait."""

    def __init__(self, seconds: int, locked: bool) -> None:
        self.seconds = max(1, seconds)
        self.locked = locked
        wait = f"{-(-self.seconds // 60)} minute(s)" if self.seconds >= 60 else f"{self.seconds} second(s)"
        what = "locked after too many failed attempts" if locked else "too many failed attempts"
        super().__init__(f"{what}; try again in {wait}, or ask an administrator to unlock")


@dataclass(frozen=True)
class LockState:
    kind: str
    label: str | None
    failures: int
    last_at: datetime
    locked_until: datetime | None


# -- audit events ---------------------------------------------------------------------------------------------

@register_event
@dataclass(frozen=True, kw_only=True)
class LoginFailed(AuditEvent):
    """A staff login failed; ``user_id`` when the username exists, ``reason`` a code, ``client`` a short hash
    of the client address (never the address)."""

    name: ClassVar[str] = "web.login_failed"
    user_id: int | None = None
    reason: str
    client: str


@register_event
@dataclass(frozen=True, kw_only=True)
class LoginSucceeded(AuditEvent):
    """A staff member logged in."""

    name: ClassVar[str] = "web.login_succeeded"
    user_id: int
    client: str


@register_event
@dataclass(frozen=True, kw_only=True)
class TokenRefused(AuditEvent):
    """A request carried an unknown or revoked API token, or came while its address was locked."""

    name: ClassVar[str] = "web.token_refused"
    reason: str
    client: str


@register_event
@dataclass(frozen=True, kw_only=True)
class LockoutLifted(AuditEvent):
    """An admin lifted the failed-login counters of an account or an address."""

    name: ClassVar[str] = "web.lockout_lifted"
    kind: str
    lifted: int


# -- the counters ---------------------------------------------------------------------------------------------

def _hash(kind: Kind, value: str) -> str:
    return hashlib.sha256(f"{kind}\x00{value.strip().lower()}".encode()).hexdigest()


def address_tag(address: str) -> str:
    """A short hash of a client address for the audit trail: the same address shows the same tag."""
    # letters only (hex a-p): a run of hex digits could look like a phone number to the audit trail's check
    return "a:" + "".join(chr(ord("a") + int(ch, 16)) for ch in _hash("address", address)[:12])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _wait(kind: Kind, failures: int, last_at: datetime, locked_until: datetime | None,
          now: datetime) -> tuple[int, bool]:
    """Seconds still to wait for a key, and whether it is a lockout (not just a delay)."""
    if locked_until is not None and now < _aware(locked_until):
        return math.ceil((_aware(locked_until) - now).total_seconds()), True
    if now - _aware(last_at) > FORGET_AFTER or failures <= LIMITS[kind].free:
        return 0, False
    delay = min(timedelta(seconds=2 ** min(failures - LIMITS[kind].free - 1, 16)), MAX_DELAY)
    left = (_aware(last_at) + delay - now).total_seconds()
    return (math.ceil(left), False) if left > 0 else (0, False)


CLEAR_CACHE_SECONDS = 5.0
"""A key found with no failures is not asked about again for this long in this process (issue 13: the check
was one query on every API request, before the token cache could answer). A failure counted in this process
clears the entry at once; one counted by another process is seen within these seconds."""
_clear: WeakKeyDictionary[Engine, dict[str, float]] = WeakKeyDictionary()  # key hash -> clear until (monotonic)
_CLEAR_MAX = 4096


def check(reg: Register, keys: list[tuple[Kind, str]]) -> None:
    """Raise :class:`Refused` when any of ``keys`` must still wait; else return (the attempt may go ahead)."""
    now = _aware(reg.clock())
    hashes = {_hash(kind, value): kind for kind, value in keys if value}
    clear, now_m = _clear.setdefault(reg.engine, {}), time.monotonic()
    if all(clear.get(h, 0.0) > now_m for h in hashes):
        return
    with reg.engine.connect() as c:
        rows = c.execute(select(f).where(f.c.key_hash.in_(hashes))).all()
    if not rows:
        if len(clear) >= _CLEAR_MAX:
            clear.clear()
        clear.update({h: now_m + CLEAR_CACHE_SECONDS for h in hashes})
    worst = max((_wait(hashes[r.key_hash], r.failures, r.last_at, r.locked_until, now) for r in rows),
                default=(0, False))
    if worst[0] > 0:
        raise Refused(*worst)


def failed(reg: Register, keys: list[tuple[Kind, str]]) -> None:
    """Count one failure against each key (locking it at its threshold)."""
    now = _aware(reg.clock())
    with reg.transaction() as c:
        for kind, value in keys:
            if not value:
                continue
            key = _hash(kind, value)
            _clear.get(reg.engine, {}).pop(key, None)
            row = c.execute(select(f.c.failures, f.c.last_at).where(f.c.key_hash == key)).first()
            fresh = row is None or now - _aware(row.last_at) > FORGET_AFTER
            failures = 1 if fresh or row is None else row.failures + 1
            locked = now + LOCK_FOR if failures >= LIMITS[kind].lock else None
            values = {"failures": failures, "last_at": now, "locked_until": locked}
            if row is None:
                c.execute(insert(f).values(key_hash=key, kind=kind, label=value[:64] if kind == "account" else None,
                                           **values))
            else:
                c.execute(update(f).where(f.c.key_hash == key).values(**values))


def succeeded(reg: Register, username: str) -> None:
    """A successful login clears the account's counter."""
    with reg.transaction() as c:
        c.execute(delete(f).where(f.c.key_hash == _hash("account", username)))


def unlock(reg: Register, *, username: str | None = None, address: str | None = None) -> int:
    """Lift the counters of an account and/or an address (staff logins and tokens); audited. Returns how many
    counters were lifted (0 when nothing was held)."""
    if not username and not address:
        raise RegisterError("name an account (username) or a client address to unlock", field="username")
    keys = ([_hash("account", username)] if username else []) + (
        [_hash("address", address), _hash("token", address)] if address else [])
    with reg.transaction() as c:
        lifted = c.execute(delete(f).where(f.c.key_hash.in_(keys))).rowcount or 0
        reg.audit(c, LockoutLifted(kind="account" if username else "address", lifted=lifted))
    return int(lifted)


def locks(reg: Register) -> list[LockState]:
    """Counters that hold something now: a lockout or a delay (oldest activity first)."""
    now = _aware(reg.clock())
    with reg.engine.connect() as c:
        rows = c.execute(select(f).where(f.c.last_at > now - FORGET_AFTER).order_by(f.c.last_at)).all()
    return [LockState(r.kind, r.label, r.failures, _aware(r.last_at),
                      _aware(r.locked_until) if r.locked_until else None)
            for r in rows if _wait(r.kind, r.failures, r.last_at, r.locked_until, now)[0] > 0]


# -- the guarded ways in --------------------------------------------------------------------------------------

def _user_id(reg: Register, username: str) -> int | None:
    with reg.engine.connect() as c:
        found = c.execute(select(t.staff_users.c.id).where(t.staff_users.c.username == username.strip()[:64])).first()
    return int(found.id) if found else None


def login_staff(reg: Register, username: str, password: str, address: str) -> StaffUser | None:
    """A staff login through the counters: :class:`Refused` while the account or address waits, the user on
    success, None on a wrong username or password. Every outcome is audited."""
    from personvern.web.auth import authenticate_staff

    keys: list[tuple[Kind, str]] = [("account", username.strip()[:64]), ("address", address)]
    anonymous = reg.acting("anonymous", "system")
    try:
        check(reg, keys)
    except Refused as exc:
        with reg.transaction() as c:
            anonymous.audit(c, LoginFailed(user_id=_user_id(reg, username), client=address_tag(address),
                                           reason="locked" if exc.locked else "delayed"))
        raise
    user = authenticate_staff(reg, username, password)
    if user is None:
        failed(reg, keys)
        with reg.transaction() as c:
            anonymous.audit(c, LoginFailed(user_id=_user_id(reg, username), client=address_tag(address),
                                           reason="bad_credentials"))
        return None
    succeeded(reg, username.strip()[:64])
    with reg.transaction() as c:
        reg.acting(user.username, user.role).audit(c, LoginSucceeded(user_id=user.id, client=address_tag(address)))
    return user


def token_principal_guarded(reg: Register, token: str, address: str) -> Principal | None:
    """:func:`personvern.web.auth.token_principal` through the per-address token counter: :class:`Refused`
    while the address waits; a wrong token counts and is audited."""
    from personvern.web.auth import token_principal

    anonymous = reg.acting("anonymous", "system")
    try:
        check(reg, [("token", address)])
    except Refused:
        with reg.transaction() as c:
            anonymous.audit(c, TokenRefused(reason="locked", client=address_tag(address)))
        raise
    found = token_principal(reg, token)
    if found is None:
        failed(reg, [("token", address)])
        with reg.transaction() as c:
            anonymous.audit(c, TokenRefused(reason="unknown_token", client=address_tag(address)))
    return found
