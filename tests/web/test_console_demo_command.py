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
    key = (tmp_path / "demo.db.key").read_bytes()
    again = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(db)])
    assert again.exit_code == 0 and f"using the demo database {db}" in again.output  # reused, not rebuilt
    assert (tmp_path / "demo.db.key").read_bytes() == key
    fresh = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(db), "--fresh", "--customers", "3"])
    assert fresh.exit_code == 0 and "3 customers" in fresh.output
    assert (tmp_path / "demo.db.key").read_bytes() != key


def test_the_demo_database_has_one_known_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONVERN_DEMO_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--company", "pilaro", "--customers", "2"])
    assert result.exit_code == 0, result.output
    where = tmp_path / "data" / "personvern" / "demo" / "pilaro.db"
    assert str(where) in result.output and where.exists()
    assert not list(tmp_path.glob("*.db*"))  # nothing in the current folder


def test_a_failed_build_leaves_no_database_and_no_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from personvern import demo
    from personvern.errors import RegisterError

    def broken(*_a: object, **_k: object) -> None:
        raise RegisterError("the example policy tek-zence.yaml is missing", field="company")

    monkeypatch.delenv("PERSONVERN_MASTER_KEY", raising=False)
    monkeypatch.delenv("PERSONVERN_MASTER_KEY_FILE", raising=False)
    monkeypatch.setenv("PERSONVERN_DEMO_DIR", str(tmp_path))
    monkeypatch.setattr(demo, "build_demo", broken)
    for _ in range(2):
        result = CliRunner().invoke(app, ["demo", "--no-serve"])
        assert result.exit_code == 1 and "is missing" in result.output
    assert list(tmp_path.iterdir()) == []


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
