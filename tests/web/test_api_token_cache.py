"""A verified API token is trusted for a few seconds without asking the database again (issue 13, cause 4);
a revocation still takes effect: at once in this process, within ``TOKEN_CACHE_SECONDS`` from another one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update
from web_api_support import Api, make_api

from personvern.register import Register
from personvern.register import schema as t
from personvern.web import auth


@pytest.fixture
def api(reg: Register, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    now = [1000.0]
    monkeypatch.setattr(auth, "_monotonic", lambda: now[0])
    made = make_api(reg)
    made.clock = now  # type: ignore[attr-defined]
    yield made
    auth._token_cache.clear()


def test_repeated_requests_with_one_token_ask_the_database_once(api: Api) -> None:
    assert api.call("GET", "/api/policy", "agent").status_code == 200
    with api.reg.trace() as queries:
        for _ in range(5):
            assert api.call("GET", "/api/policy", "agent").status_code == 200
    assert not [q for q in queries if "api_tokens" in q]


def test_a_token_revoked_by_another_process_is_refused_once_the_cache_time_is_up(api: Api) -> None:
    assert api.call("GET", "/api/policy", "agent").status_code == 200
    with api.reg.transaction() as c:  # as another process would: straight into the table
        c.execute(update(t.api_tokens).where(t.api_tokens.c.name == "test-agent")
                  .values(revoked_at=api.reg.clock()))
    api.clock[0] += auth.TOKEN_CACHE_SECONDS + 0.1  # type: ignore[attr-defined]
    assert api.call("GET", "/api/policy", "agent").status_code == 401


def test_a_token_revoked_here_is_refused_at_once_even_while_cached(api: Api) -> None:
    assert api.call("GET", "/api/policy", "agent").status_code == 200
    tokens = api.call("GET", "/api/admin/tokens", "admin").json()
    agent = next(x for x in tokens if x["name"] == "test-agent")
    assert api.call("DELETE", f"/api/admin/tokens/{agent['id']}", "admin").status_code == 204
    assert api.call("GET", "/api/policy", "agent").status_code == 401
