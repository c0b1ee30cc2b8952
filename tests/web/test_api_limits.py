"""Hostile request bodies get a 4xx with a reason and write nothing (issue 18).

A global body cap answers 413; unknown fields, too many identifiers, over-long text and too-deep JSON answer
422 naming the field; the 500s schemathesis found (two-field PATCH of a user, an empty ``subject``, ids past
64 bits) are 4xx now or work.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from web_api_support import Api, make_api

from personvern.register import Register
from personvern.register import schema as t
from personvern.web.limits import MAX_BODY_BYTES, MAX_IDENTIFIERS, MAX_TEXT

MAX_ID = 2**63 - 1


@pytest.fixture
def api(reg: Register) -> Api:
    return make_api(reg)


def _count(reg: Register, table: object) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _error(res: object, status: int) -> dict[str, object]:
    assert res.status_code == status, res.text  # type: ignore[attr-defined]
    body = res.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "field"} and body["error"]
    return dict(body)


def test_a_body_past_the_cap_is_413_and_writes_nothing(api: Api) -> None:
    before = _count(api.reg, t.subjects)
    body = json.dumps({"kind": "customer", "identifiers": {}, "note": "x" * MAX_BODY_BYTES})
    res = api.call("POST", "/api/subjects", "agent", content=body, headers={"Content-Type": "application/json"})
    assert "bytes" in str(_error(res, 413)["error"])
    assert _count(api.reg, t.subjects) == before


def test_a_chunked_body_past_the_cap_is_413_too(api: Api) -> None:
    before = _count(api.reg, t.subjects)
    chunk = b'{"kind": "customer", "identifiers": {"email": "' + b"a" * MAX_BODY_BYTES + b'@example.no"}}'
    res = api.call("POST", "/api/subjects", "agent", content=iter([chunk[:1000], chunk[1000:]]),
                   headers={"Content-Type": "application/json"})
    _error(res, 413)
    assert _count(api.reg, t.subjects) == before


def test_an_unknown_field_is_422_not_ignored(api: Api) -> None:
    before = _count(api.reg, t.subjects)
    res = api.call("POST", "/api/subjects", "agent", json={"kind": "customer", "identifiers": {}, "nmae": "Kari"})
    assert _error(res, 422)["field"] == "nmae"
    assert _count(api.reg, t.subjects) == before


def test_too_many_identifiers_is_422_and_writes_nothing(api: Api) -> None:
    before = _count(api.reg, t.identifiers)
    emails = [f"p{n}@example.no" for n in range(MAX_IDENTIFIERS + 1)]
    res = api.call("POST", "/api/subjects", "agent", json={"kind": "customer", "identifiers": {"email": emails}})
    assert _error(res, 422)["field"] == "identifiers"
    res = api.call("POST", f"/api/subjects/{api.subject}/identifiers", "agent",
                   json={"identifiers": {"email": emails}})
    assert _error(res, 422)["field"] == "identifiers"
    assert _count(api.reg, t.identifiers) == before


def test_over_long_text_is_422(api: Api) -> None:
    res = api.call("POST", "/api/subjects", "agent", json={"kind": "c" * (MAX_TEXT + 1), "identifiers": {}})
    assert _error(res, 422)["field"] == "kind"


def test_too_deep_json_is_422_not_500(api: Api) -> None:
    body = '{"kind": "customer", "identifiers": {}, "purpose": ' + "[" * 100_000 + "]" * 100_000 + "}"
    res = api.call("POST", "/api/subjects", "agent", content=body, headers={"Content-Type": "application/json"})
    _error(res, 422)


def test_patch_a_user_with_two_fields_changes_both(api: Api) -> None:
    from personvern.web import auth

    uid = auth.create_staff_user(api.reg, "per", "correct horse battery", "privacy_officer")
    res = api.call("PATCH", f"/api/admin/users/{uid}", "admin", json={"role": "agent", "disabled": True})
    assert res.status_code == 204, res.text
    with api.reg.engine.connect() as c:
        row = c.execute(select(t.staff_users.c.role, t.staff_users.c.disabled_at)
                        .where(t.staff_users.c.id == uid)).one()
    assert row.role == "agent" and row.disabled_at is not None


@pytest.mark.parametrize("url", ["/api/holds", "/api/requests"])
def test_an_empty_subject_is_422(api: Api, url: str) -> None:
    body = {"subject": "", "reason": "tvist"} if url == "/api/holds" else {"kind": "access", "subject": ""}
    assert _error(api.call("POST", url, "privacy_officer", json=body), 422)["field"] == "subject"


@pytest.mark.parametrize(("method", "url", "body"), [
    ("POST", f"/api/holds/{MAX_ID + 1}/lift", None),
    ("DELETE", f"/api/restrictions/{2**70}", None),
    ("DELETE", f"/api/admin/tokens/{2**64}", None),
    ("PATCH", f"/api/admin/users/{2**64}", {"role": "agent"}),
    ("POST", "/api/holds", {"record": 2**64, "reason": "tvist"}),
])
def test_ids_past_64_bits_are_422(api: Api, method: str, url: str, body: object) -> None:
    _error(api.call(method, url, "admin", json=body), 422)


def test_an_id_that_fits_but_does_not_exist_is_404(api: Api) -> None:
    _error(api.call("POST", f"/api/holds/{MAX_ID}/lift", "admin"), 404)


def test_an_alias_bomb_sent_to_activate_is_422_with_its_line(api: Api) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]
    bomb = "\n".join(lines) + "\ncontroller: *a11\n"
    res = api.call("POST", "/api/policy/activate", "admin", content=bomb,
                   headers={"Content-Type": "application/yaml"})
    assert "expands to more than" in str(_error(res, 422)["error"])
