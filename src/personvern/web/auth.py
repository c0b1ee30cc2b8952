"""Who is asking: API tokens, staff users, sessions, CSRF, roles, and the security headers of every response.

Roles (issue 7): ``agent`` looks up callers, logs contacts and opens cases; ``privacy_officer`` handles
requests, previews sweeps, reads the audit trail and reports; ``admin`` manages policy, tokens and users and
may do everything staff may; ``subject`` is a data subject in the portal and sees only their own data
(Art. 15, Art. 32 — access limited to those who need it).

- API tokens: a random token shown once; only its SHA-256 is stored (``api_tokens``).
- Staff users: argon2id password hashes (``staff_users``); unknown users cost the same as known ones.
- Sessions: cookie ``pv_session`` (HttpOnly, SameSite=Lax, Secure unless the config says plain http), stored
  as a SHA-256 in ``web_sessions`` with an idle and an absolute expiry.
- CSRF: every unsafe request authenticated by the cookie must carry the session's token in the form field
  ``csrf`` or the header ``X-CSRF-Token``. Token requests need none (a browser never sends them by itself).

Every route declares who may call it with :func:`require` (API) or :func:`require_page` (HTML); the
dependency carries the allowed roles in ``.roles`` so the route × role matrix test can read them.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request, Response
from sqlalchemy import delete, insert, select, update

from personvern.audit.events import AuditEvent, register_event
from personvern.errors import NotFound, RegisterError
from personvern.register import Register
from personvern.register import schema as t

__all__ = [
    "ABSOLUTE",
    "COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "IDLE",
    "ROLES",
    "STAFF_ROLES",
    "TOKEN_CACHE_SECONDS",
    "LoginRequired",
    "Principal",
    "StaffUser",
    "acting_register",
    "authenticate_staff",
    "check_csrf",
    "create_staff_user",
    "create_token",
    "csrf_token",
    "end_session",
    "list_staff_users",
    "list_tokens",
    "open_session",
    "principal",
    "public",
    "require",
    "require_page",
    "revoke_token",
    "session_principal",
    "start_session",
    "subject_id_of",
    "token_principal",
    "update_staff_user",
    "use_password_hasher",
]

STAFF_ROLES = ("agent", "privacy_officer", "admin")
ROLES = (*STAFF_ROLES, "subject")
COOKIE = "pv_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "pv_"
# Session lifetimes. Staff: a working day, logged out after 30 idle minutes; the portal: shorter, since a
# subject may use a shared computer (Art. 32(1): security appropriate to the risk).
IDLE = {"staff": timedelta(minutes=30), "portal": timedelta(minutes=15)}
ABSOLUTE = {"staff": timedelta(hours=10), "portal": timedelta(hours=2)}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Via = Literal["token", "session"]
SessionKind = Literal["staff", "portal"]

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters (RFC 9106 profile)
_DUMMY_HASH: str | None = None  # verified against for unknown users (constant time); made on first use


def use_password_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Swap the argon2 hasher (a test seam: tests use cheap parameters); returns the previous one."""
    global _hasher, _DUMMY_HASH
    previous, _hasher, _DUMMY_HASH = _hasher, hasher, None
    return previous


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


# -- audit events of this module ------------------------------------------------------------------------

@register_event
@dataclass(frozen=True, kw_only=True)
class TokenCreated(AuditEvent):
    """An API token was created; ``token_id`` is its row, never the token."""

    name: ClassVar[str] = "web.token_created"
    token_id: int
    role: str


@register_event
@dataclass(frozen=True, kw_only=True)
class TokenRevoked(AuditEvent):
    """An API token was revoked."""

    name: ClassVar[str] = "web.token_revoked"
    token_id: int


@register_event
@dataclass(frozen=True, kw_only=True)
class StaffUserCreated(AuditEvent):
    """A staff user was created with a role."""

    name: ClassVar[str] = "web.staff_user_created"
    user_id: int
    role: str


@register_event
@dataclass(frozen=True, kw_only=True)
class StaffUserChanged(AuditEvent):
    """A staff user's role, password or status was changed."""

    name: ClassVar[str] = "web.staff_user_changed"
    user_id: int
    change: str


# -- who is asking --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Principal:
    """The person behind a request. ``actor`` is what the audit trail records: a staff username, a token's
    name as ``token:<name>``, or ``subject:<ref>`` in the portal."""

    actor: str
    role: str
    subject_ref: str | None
    via: Via
    csrf: str | None = None  # the session's CSRF token (sessions only)
    user_id: int | None = None  # staff_users.id for staff sessions


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    role: str
    display_name: str | None


class LoginRequired(Exception):  # a control-flow signal, handled in app.py as a redirect
    """An HTML page needs a login: app.py turns this into a redirect to ``location``."""

    def __init__(self, location: str) -> None:
        self.location = location
        super().__init__(location)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _now(reg: Register) -> datetime:
    return _aware(reg.clock())


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_role(role: str, *, staff_only: bool = True) -> None:
    allowed = STAFF_ROLES if staff_only else ROLES
    if role not in allowed:
        raise RegisterError(f"unknown role '{role}'; one of {', '.join(allowed)}", field="role")


# -- API tokens -----------------------------------------------------------------------------------------

def create_token(reg: Register, name: str, role: str, *, by: str) -> str:
    """Create an API token for ``role``; returns the token, which is shown once and never stored."""
    _check_role(role)
    if not name or len(name) > 64:
        raise RegisterError("a token needs a name of 1–64 characters", field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with reg.transaction() as c:
        token_id = c.execute(insert(t.api_tokens).values(
            name=name, token_hash=_sha(token), role=role, created_at=_now(reg), created_by=by[:64])
            .returning(t.api_tokens.c.id)).scalar_one()
        reg.audit(c, TokenCreated(token_id=int(token_id), role=role))
    return token


def revoke_token(reg: Register, token_id: int, *, by: str) -> None:
    """Revoke a token at once; requests carrying it get 401 from then on."""
    with reg.transaction() as c:
        done = c.execute(update(t.api_tokens).where(t.api_tokens.c.id == token_id,
                                                    t.api_tokens.c.revoked_at.is_(None))
                         .values(revoked_at=_now(reg))).rowcount
        if not done:
            raise NotFound(f"no active token {token_id}", field="token_id")
        reg.audit(c, TokenRevoked(token_id=token_id))
    _token_cache.clear()  # this process trusts no cached token any more; others re-check within seconds


def list_tokens(reg: Register) -> list[dict[str, Any]]:
    """Every token's metadata (never the token, which is not stored)."""
    cols = t.api_tokens.c
    with reg.engine.connect() as c:
        rows = c.execute(select(cols.id, cols.name, cols.role, cols.created_at, cols.last_used_at,
                                cols.revoked_at, cols.created_by).order_by(cols.id)).mappings().all()
    return [dict(r) for r in rows]


TOKEN_CACHE_SECONDS = 5.0
"""How long a verified API token is trusted without asking the database again (issue 13, cause 4). A revocation
through :func:`revoke_token` empties this process's cache at once; one made by another process (a second
``personvern serve``, the CLI) takes effect here within this many seconds."""
_token_cache: dict[tuple[int, str], tuple[float, Principal]] = {}  # (engine id, token sha) -> (until, who)
_TOKEN_CACHE_MAX = 4096


def _monotonic() -> float:
    return time.monotonic()


def token_principal(reg: Register, token: str) -> Principal | None:
    """The principal of an active token. Verified tokens are cached for ``TOKEN_CACHE_SECONDS``, so a busy API
    client costs one indexed read (and a ``last_used_at`` write at most every 5 minutes) per few seconds, not
    one per request. Unknown and revoked tokens are not cached: they are asked about every time."""
    sha = _sha(token)
    key = (id(reg.engine), sha)
    hit = _token_cache.get(key)
    now_m = _monotonic()
    if hit is not None and hit[0] > now_m:
        return hit[1]
    cols = t.api_tokens.c
    with reg.transaction() as c:
        row = c.execute(select(cols.id, cols.name, cols.role, cols.last_used_at)
                        .where(cols.token_hash == sha, cols.revoked_at.is_(None))).first()
        if row is None:
            _token_cache.pop(key, None)
            return None
        now = _now(reg)
        if row.last_used_at is None or now - _aware(row.last_used_at) > timedelta(minutes=5):
            c.execute(update(t.api_tokens).where(cols.id == row.id).values(last_used_at=now))
    who = Principal(actor=f"token:{row.name}", role=row.role, subject_ref=None, via="token")
    if len(_token_cache) >= _TOKEN_CACHE_MAX:
        _token_cache.clear()
    _token_cache[key] = (now_m + TOKEN_CACHE_SECONDS, who)
    return who


# -- staff users ----------------------------------------------------------------------------------------

def create_staff_user(reg: Register, username: str, password: str, role: str,
                      display_name: str | None = None) -> int:
    """Create a staff user with an argon2id password hash; returns the user's id."""
    _check_role(role)
    username = username.strip()
    if not username or len(username) > 64:
        raise RegisterError("a username needs 1–64 characters", field="username")
    _check_password(password)
    with reg.transaction() as c:
        if c.execute(select(t.staff_users.c.id).where(t.staff_users.c.username == username)).first():
            raise RegisterError("that username is taken", field="username")
        uid = int(c.execute(insert(t.staff_users).values(
            username=username, password_hash=_hasher.hash(password), role=role, display_name=display_name,
            created_at=_now(reg)).returning(t.staff_users.c.id)).scalar_one())
        reg.audit(c, StaffUserCreated(user_id=uid, role=role))
    return uid


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise RegisterError("a password needs at least 10 characters", field="password")
    if len(password) > 1024:
        raise RegisterError("a password may have at most 1024 characters", field="password")


def authenticate_staff(reg: Register, username: str, password: str) -> StaffUser | None:
    """The user if the password matches and the user is active, else None. An unknown user costs one
    argon2 verification too, so timing does not tell which usernames exist."""
    cols = t.staff_users.c
    with reg.engine.connect() as c:
        row = c.execute(select(cols.id, cols.username, cols.role, cols.display_name, cols.password_hash,
                               cols.disabled_at).where(cols.username == username.strip()[:64])).first()
    stored = row.password_hash if row is not None else _dummy_hash()
    ok: bool
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None or row.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(stored):
        with reg.transaction() as c:
            c.execute(update(t.staff_users).where(cols.id == row.id).values(password_hash=_hasher.hash(password)))
    return StaffUser(row.id, row.username, row.role, row.display_name)


def list_staff_users(reg: Register) -> list[StaffUser]:
    cols = t.staff_users.c
    with reg.engine.connect() as c:
        rows = c.execute(select(cols.id, cols.username, cols.role, cols.display_name)
                         .where(cols.disabled_at.is_(None)).order_by(cols.username)).all()
    return [StaffUser(r.id, r.username, r.role, r.display_name) for r in rows]


def update_staff_user(reg: Register, user_id: int, *, role: str | None = None, password: str | None = None,
                      disabled: bool | None = None) -> None:
    """Change a staff user's role or password, or disable them (their sessions end at once)."""
    values: dict[str, Any] = {}
    if role is not None:
        _check_role(role)
        values["role"] = role
    if password is not None:
        _check_password(password)
        values["password_hash"] = _hasher.hash(password)
    if disabled is not None:
        values["disabled_at"] = _now(reg) if disabled else None
    if not values:
        raise RegisterError("nothing to change", field="role")
    with reg.transaction() as c:
        if not c.execute(update(t.staff_users).where(t.staff_users.c.id == user_id).values(**values)).rowcount:
            raise NotFound(f"no staff user {user_id}", field="user_id")
        if disabled or password is not None or role is not None:
            c.execute(delete(t.web_sessions).where(t.web_sessions.c.user_id == user_id))
        reg.audit(c, StaffUserChanged(user_id=user_id, change=",".join(sorted(values))))


# -- sessions -------------------------------------------------------------------------------------------

def _register(request: Request) -> Register:
    reg: Register = request.app.state.register
    return reg


def open_session(reg: Register, kind: SessionKind, *, user_id: int | None = None, subject_id: int | None = None,
                 replaces: str | None = None) -> tuple[str, str]:
    """Store a new session; returns ``(cookie token, csrf token)``. ``replaces`` is an old cookie token to end.
    :func:`start_session` is the web's way in; this is the seam for tests and the CLI."""
    if kind not in IDLE or (kind == "staff") != (user_id is not None) or (kind == "portal") != (subject_id is not None):
        raise RegisterError("a staff session needs user_id, a portal session subject_id", field="kind")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now(reg)
    with reg.transaction() as c:
        if replaces:
            c.execute(delete(t.web_sessions).where(t.web_sessions.c.token_hash == _sha(replaces)))
        c.execute(delete(t.web_sessions).where(t.web_sessions.c.expires_at < now))  # housekeeping
        c.execute(insert(t.web_sessions).values(token_hash=_sha(token), kind=kind, user_id=user_id,
                                                subject_id=subject_id, csrf=csrf, created_at=now,
                                                expires_at=now + IDLE[kind]))
    return token, csrf


def start_session(request: Request, response: Response, *, kind: SessionKind, user_id: int | None = None,
                  subject_id: int | None = None) -> str:
    """Log in: a new session (any old one from this browser ends, against session fixation); sets the
    cookie on ``response`` and returns the session's CSRF token."""
    token, csrf = open_session(_register(request), kind, user_id=user_id, subject_id=subject_id,
                               replaces=request.cookies.get(COOKIE))
    config = request.app.state.config
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=config.secure_cookies, path="/",
                        max_age=int(ABSOLUTE[kind].total_seconds()))
    request.state.principal = None
    request.state.principal_loaded = False
    return csrf


def end_session(request: Request, response: Response) -> None:
    """Log out: the session row goes and the cookie is cleared."""
    token = request.cookies.get(COOKIE)
    if token:
        with _register(request).transaction() as c:
            c.execute(delete(t.web_sessions).where(t.web_sessions.c.token_hash == _sha(token)))
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.app.state.config.secure_cookies)
    request.state.principal = None
    request.state.principal_loaded = True


def session_principal(reg: Register, token: str) -> Principal | None:
    """The principal of a live session; idle sessions are extended, expired ones deleted."""
    s, u, subj = t.web_sessions.c, t.staff_users.c, t.subjects.c
    now = _now(reg)
    with reg.transaction() as c:
        row = c.execute(select(s.token_hash, s.kind, s.user_id, s.csrf, s.created_at, s.expires_at,
                               u.username, u.role, u.disabled_at, subj.ref)
                        .select_from(t.web_sessions.outerjoin(t.staff_users, u.id == s.user_id)
                                     .outerjoin(t.subjects, subj.id == s.subject_id))
                        .where(s.token_hash == _sha(token))).first()
        if row is None:
            return None
        kind = row.kind
        absolute_end = _aware(row.created_at) + ABSOLUTE[kind]
        live = now < _aware(row.expires_at) and now < absolute_end
        who_ok = row.ref is not None if kind == "portal" else (row.username is not None and row.disabled_at is None)
        if not live or not who_ok:
            c.execute(delete(t.web_sessions).where(s.token_hash == row.token_hash))
            return None
        new_end = min(now + IDLE[kind], absolute_end)
        if new_end - _aware(row.expires_at) > timedelta(minutes=1):  # one write a minute at most
            c.execute(update(t.web_sessions).where(s.token_hash == row.token_hash).values(expires_at=new_end))
    if kind == "portal":
        return Principal(actor=f"subject:{row.ref}", role="subject", subject_ref=row.ref, via="session",
                         csrf=row.csrf)
    return Principal(actor=row.username, role=row.role, subject_ref=None, via="session", csrf=row.csrf,
                     user_id=row.user_id)


def principal(request: Request) -> Principal | None:
    """Who is asking: a bearer token (API clients) or the session cookie (browsers); None if nobody."""
    if getattr(request.state, "principal_loaded", False):
        found: Principal | None = request.state.principal
        return found
    reg = _register(request)
    found = None
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        found = token_principal(reg, auth[7:].strip())
    elif request.cookies.get(COOKIE):
        found = session_principal(reg, request.cookies[COOKIE])
    request.state.principal = found
    request.state.principal_loaded = True
    return found


def csrf_token(request: Request) -> str:
    """The CSRF token for forms of the current session ('' without one): ``<input name="csrf" ...>``."""
    who = principal(request)
    return who.csrf or "" if who else ""


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe cookie-authenticated request without the session's CSRF token (403)."""
    who = principal(request)
    if request.method in SAFE_METHODS or who is None or who.via != "session":
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and "form" in request.headers.get("content-type", ""):
        form = await request.form()  # starlette caches it: the route reads the same form
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not who.csrf or not secrets.compare_digest(sent, who.csrf):
        raise HTTPException(403, detail="missing or wrong CSRF token; reload the page and try again")


def _allowed(role: str, roles: tuple[str, ...]) -> bool:
    """Admin may do everything staff may; a subject only what is declared for subjects."""
    return role in roles or (role == "admin" and any(r in STAFF_ROLES for r in roles))


def require(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    """API dependency: 401 JSON without credentials, 403 JSON naming the roles for the wrong role; checks
    CSRF for cookie sessions. ``.roles`` declares the allowed roles for the route × role matrix test."""
    for role in roles:
        _check_role(role, staff_only=False)

    async def dependency(request: Request) -> Principal:
        who = principal(request)
        if who is None:
            raise HTTPException(401, detail="authentication required: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        if not _allowed(who.role, roles):
            raise HTTPException(403, detail=f"role '{who.role}' may not do this; needs one of {', '.join(roles)}")
        await check_csrf(request)
        return who

    dependency.roles = roles  # type: ignore[attr-defined]
    return dependency


def require_page(*roles: str) -> Callable[[Request], Awaitable[Principal]]:
    """HTML dependency: without a login, redirect to /mine-sider/login (subject pages) or /console/login;
    the wrong role gets the 403 error page. Checks CSRF on unsafe methods."""
    for role in roles:
        _check_role(role, staff_only=False)
    login = "/mine-sider/login" if roles == ("subject",) else "/console/login"

    async def dependency(request: Request) -> Principal:
        who = principal(request)
        if who is None or who.via != "session" or (who.role == "subject") != (roles == ("subject",)):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(f"{login}?next={quote(target, safe='')}")
        if not _allowed(who.role, roles):
            raise HTTPException(403, detail="you do not have access to this page")
        await check_csrf(request)
        return who

    dependency.roles = roles  # type: ignore[attr-defined]
    return dependency


def public(reason: str) -> Callable[[], None]:
    """Declare an /api route deliberately open to everyone (or authenticated otherwise, e.g. by a webhook
    signature); the matrix test accepts a route only with ``require`` or ``public``."""

    def dependency() -> None:
        return None

    dependency.public = reason  # type: ignore[attr-defined]
    return dependency


def acting_register(request: Request, who: Principal) -> Register:
    """The register acting as this principal, so every audit entry names the person behind the request."""
    return _register(request).acting(who.actor, who.role)


def subject_id_of(reg: Register, ref: str) -> int:
    """The internal id of a subject (for ``start_session(kind='portal', subject_id=...)``)."""
    with reg.engine.connect() as c:
        return reg.subject_id(c, ref)
