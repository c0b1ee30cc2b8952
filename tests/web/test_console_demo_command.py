"""`personvern demo --no-serve --db PATH`: a demo database for each seed company, ready in seconds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personvern.cli import app
from personvern.demo import COMPANIES, DEMO_EMAIL, build_demo, policy_path
from personvern.register import MasterKey, Register
from personvern.web import auth

KEY = MasterKey(bytes(range(32)))


def test_demo_no_serve_builds_a_database_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONVERN_MASTER_KEY", raising=False)
    monkeypatch.delenv("PERSONVERN_MASTER_KEY_FILE", raising=False)
    db = tmp_path / "demo.db"
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(db), "--customers", "20"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 30  # a few seconds on a quiet machine; CI shares two cores
    assert "20 customers" in result.output and db.exists() and (tmp_path / "demo.db.key").exists()
    again = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(db)])
    assert again.exit_code == 1 and "exists" in again.output  # never overwrites a database


def test_an_unknown_company_is_refused_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(tmp_path / "x.db"), "--company", "acme"])
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize("company", COMPANIES)
def test_every_seed_company_gets_customers_requests_and_staff(company: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_hasher", auth._hasher)
    auth.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = build_demo(company, url, customers=6, master_key=KEY)
    assert result.customers == 6 and result.requests > 0
    with Register.open(policy_path(company), url, master_key=KEY) as reg:
        assert reg.find("phone", "97527747") == reg.find("email", DEMO_EMAIL) == [result.demo_subject]
        assert {u.role for u in auth.list_staff_users(reg)} == {"agent", "privacy_officer", "admin"}
        assert auth.authenticate_staff(reg, "agent", "agent-demo-passord") is not None
        assert reg.read(result.demo_subject, use="storage")  # records under the policy's purposes
