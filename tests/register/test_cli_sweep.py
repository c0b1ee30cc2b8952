"""`personvern sweep` and `personvern keys` from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personvern.cli import app
from personvern.register import MasterKey, Register

runner = CliRunner()


@pytest.fixture
def keyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "master.key"
    assert runner.invoke(app, ["keys", "generate", str(key)]).exit_code == 0
    monkeypatch.setenv("PERSONVERN_MASTER_KEY_FILE", str(key))
    return key


def test_sweep_dry_run_then_for_real(keyed: Path, db_url: str, policy_path: Path) -> None:
    with Register.open(policy_path, db_url, master_key=MasterKey.from_env()) as reg:
        ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
        reg.write(ref, "customer_service", ["custom.call_log"], {}, collected=date(2026, 1, 5),
                  events={"case.closed": date(2026, 1, 6)})
    args = ["sweep", "--policy", str(policy_path), "--db", db_url, "--as-of", "2029-01-07"]  # 3 years end 6 Jan 2029
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "customer_service" in dry.output and "1 records would go" in dry.output
    done = runner.invoke(app, [*args, "--json"])
    assert json.loads(done.output)["deleted"] == {"customer_service": 1}
    assert json.loads(done.output)["subjects_removed"] == 1


def test_keys_generate_refuses_to_overwrite(keyed: Path) -> None:
    again = runner.invoke(app, ["keys", "generate", str(keyed)])
    assert again.exit_code == 1 and "refusing to overwrite" in again.output


def test_keys_rotate_rewraps_and_the_old_key_no_longer_opens(keyed: Path, tmp_path: Path, db_url: str,
                                                              policy_path: Path) -> None:
    with Register.open(policy_path, db_url, master_key=MasterKey.from_env()) as reg:
        ref = reg.add_subject("customer", {"email": "kari@example.no"})
    new = tmp_path / "new.key"
    runner.invoke(app, ["keys", "generate", str(new)])
    rotated = runner.invoke(app, ["keys", "rotate", str(new), "--policy", str(policy_path), "--db", db_url])
    from personvern.register.keys import RING

    # the keyring's keys and the one subject's data key
    assert rotated.exit_code == 0 and f"re-wrapped {len(RING) + 1} keys" in rotated.output
    with Register.open(policy_path, db_url, master_key=MasterKey.parse(new.read_text(), origin="new")) as reg:
        assert reg.identifiers(ref, masked=False) == {"email": ["kari@example.no"]}
    failed = runner.invoke(app, ["sweep", "--policy", str(policy_path), "--db", db_url, "--dry-run"])
    assert failed.exit_code == 1 and "wrapped by master key" in failed.output
