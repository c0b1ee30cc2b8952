"""``personvern users add``, ``personvern tokens create|list|revoke`` and ``personvern serve`` (CliRunner)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from web_api_support import PASSWORD  # also makes argon2 cheap for these tests

from personvern.cli import app
from personvern.register import Register
from personvern.web import auth

runner = CliRunner()


@pytest.fixture
def env(db_url: str, policy_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")  # conftest's key
    return ["--policy", str(policy_path), "--db", db_url]


def test_users_add_reads_the_password_from_stdin(env: list[str], reg: Register) -> None:
    res = runner.invoke(app, ["users", "add", "kari", "--role", "privacy_officer", "--password-stdin", *env],
                        input=PASSWORD + "\n")
    assert res.exit_code == 0, res.output
    assert "kari (privacy_officer)" in res.output and PASSWORD not in res.output
    user = auth.authenticate_staff(reg, "kari", PASSWORD)
    assert user is not None and user.role == "privacy_officer"


def test_users_add_refuses_a_short_password_and_a_bad_role(env: list[str]) -> None:
    res = runner.invoke(app, ["users", "add", "ola", "--role", "agent", "--password-stdin", *env], input="kort\n")
    assert res.exit_code == 1 and "at least 10" in res.output
    res = runner.invoke(app, ["users", "add", "ola", "--role", "root", "--password-stdin", *env], input=PASSWORD)
    assert res.exit_code == 1 and "unknown role" in res.output


def test_tokens_create_list_revoke(env: list[str], reg: Register) -> None:
    res = runner.invoke(app, ["tokens", "create", "nettbutikk", "--role", "agent", *env])
    assert res.exit_code == 0, res.output
    token = res.stdout.strip().splitlines()[-1]
    assert auth.token_principal(reg, token) is not None
    listed = runner.invoke(app, ["tokens", "list", *env])
    token_id, name, role, state = listed.output.split()[:4]
    assert (name, role, state) == ("nettbutikk", "agent", "active") and token not in listed.output
    assert runner.invoke(app, ["tokens", "revoke", token_id, *env]).exit_code == 0
    assert auth.token_principal(reg, token) is None
    res = runner.invoke(app, ["tokens", "revoke", token_id, *env])
    assert res.exit_code == 1 and "no active token" in res.output


def test_serve_runs_uvicorn_with_the_worker_beside_it(env: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kw: Any) -> None:
        seen.update(kw, app=app, threads={t.name for t in threading.enumerate()})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.delenv("PERSONVERN_SMTP_URL", raising=False)
    res = runner.invoke(app, ["serve", *env, "--port", "8123"])
    assert res.exit_code == 0, res.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert "personvern-worker" in seen["threads"]
    assert seen["app"].state.config.secure_cookies is False  # plain http on localhost
    assert "http://127.0.0.1:8123/console" in res.output
    assert "personvern-worker" not in {t.name for t in threading.enumerate()}  # stopped with the server
