"""Administration: API tokens and staff users (admin only). A token is shown once, when created."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from personvern.register import Register
from personvern.web import auth
from personvern.web.api._common import ADMIN, acting
from personvern.web.limits import Body, IdPath

router = APIRouter(tags=["admin"])

StaffRole = Literal["agent", "privacy_officer", "admin"]


class NewToken(Body):
    name: str = Field(min_length=1, max_length=64)
    role: StaffRole


class TokenShown(BaseModel):
    token: str = Field(description="shown only now; store it, it cannot be shown again")


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by: str


class NewUser(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=10, max_length=1024)
    role: StaffRole
    display_name: str | None = Field(None, max_length=128)


class UserChange(Body):
    role: StaffRole | None = None
    password: str | None = Field(None, min_length=10, max_length=1024)
    disabled: bool | None = None


class UserOut(BaseModel):
    id: int
    username: str
    role: str
    display_name: str | None


@router.get("/admin/tokens", response_model=list[TokenOut])
def list_tokens(reg: Register = Depends(acting(*ADMIN))) -> list[TokenOut]:
    return [TokenOut(**row) for row in auth.list_tokens(reg)]


@router.post("/admin/tokens", status_code=201, response_model=TokenShown)
def create_token(body: NewToken, reg: Register = Depends(acting(*ADMIN))) -> TokenShown:
    return TokenShown(token=auth.create_token(reg, body.name, body.role, by=reg.actor))


@router.delete("/admin/tokens/{token_id}", status_code=204)
def revoke_token(token_id: IdPath, reg: Register = Depends(acting(*ADMIN))) -> None:
    auth.revoke_token(reg, token_id, by=reg.actor)


@router.get("/admin/users", response_model=list[UserOut])
def list_users(reg: Register = Depends(acting(*ADMIN))) -> list[UserOut]:
    return [UserOut(id=u.id, username=u.username, role=u.role, display_name=u.display_name)
            for u in auth.list_staff_users(reg)]


@router.post("/admin/users", status_code=201, response_model=UserOut)
def create_user(body: NewUser, reg: Register = Depends(acting(*ADMIN))) -> UserOut:
    uid = auth.create_staff_user(reg, body.username, body.password, body.role, body.display_name)
    return UserOut(id=uid, username=body.username.strip(), role=body.role, display_name=body.display_name)


@router.patch("/admin/users/{user_id}", status_code=204)
def change_user(user_id: IdPath, body: UserChange, reg: Register = Depends(acting(*ADMIN))) -> None:
    """Change a role or password, or disable the user; their sessions end at once."""
    auth.update_staff_user(reg, user_id, role=body.role, password=body.password, disabled=body.disabled)


class Unlock(Body):
    username: str | None = Field(None, min_length=1, max_length=64, description="a staff account to unlock")
    address: str | None = Field(None, min_length=1, max_length=64, description="a client address to unlock")


class Unlocked(BaseModel):
    lifted: int = Field(description="failure counters lifted (0: nothing was held)")


class LockOut(BaseModel):
    kind: str = Field(description="account, address or token")
    label: str | None = Field(description="the username of an account; addresses are stored only as a hash")
    failures: int
    last_at: datetime
    locked_until: datetime | None


@router.get("/admin/lockouts", response_model=list[LockOut])
def list_lockouts(reg: Register = Depends(acting(*ADMIN))) -> list[LockOut]:
    """Accounts and addresses that are delayed or locked now after failed logins or tokens (issue 18)."""
    from personvern.web import lockout

    return [LockOut(kind=x.kind, label=x.label, failures=x.failures, last_at=x.last_at, locked_until=x.locked_until)
            for x in lockout.locks(reg)]


@router.post("/admin/lockouts/unlock", response_model=Unlocked)
def unlock(body: Unlock, reg: Register = Depends(acting(*ADMIN))) -> Unlocked:
    """Lift the failed-login counters of an account and/or a client address at once (audited)."""
    from personvern.web import lockout

    return Unlocked(lifted=lockout.unlock(reg, username=body.username, address=body.address))
