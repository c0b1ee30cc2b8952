"""`personvern lookup`, `contact`, `case` and `policy activate` from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from typer.testing import CliRunner

from personvern.cli import app
from personvern.register import MasterKey, Register

runner = CliRunner()
POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.fixture
def keyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "master.key"
    assert runner.invoke(app, ["keys", "generate", str(key)]).exit_code == 0
    monkeypatch.setenv("PERSONVERN_MASTER_KEY_FILE", str(key))
    return key


@pytest.mark.promise("TZ10")
@pytest.mark.promise("TZ8")
def test_an_agent_looks_up_a_caller_logs_the_call_and_handles_a_case(keyed: Path, db_url: str,
                                                                    policy_path: Path) -> None:
    with Register.open(policy_path, db_url, master_key=MasterKey.from_env()) as reg:
        ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
        reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari Nordmann"})
    common = ["--policy", str(policy_path), "--db", db_url]
    found = runner.invoke(app, ["lookup", "0047 97527747", *common, "--by", "agent7", "--profile"])
    assert found.exit_code == 0, found.output
    assert ref in found.output and "+47 *** ** 747" in found.output and "Kari Nordmann" in found.output
    assert "97527747" not in found.output.replace("0047 97527747", "")
    as_json = json.loads(runner.invoke(app, ["lookup", "+47 975 27 747", *common, "--json"]).output)
    assert [h["subject"] for h in as_json["hits"]] == [ref]
    logged = runner.invoke(app, ["contact", "log", ref, *common, "--channel", "phone", "--by", "agent7"])
    assert logged.exit_code == 0, logged.output
    assert "phone" in runner.invoke(app, ["contact", "list", ref, *common]).output
    opened = runner.invoke(app, ["case", "open", *common, "--phone", "+47 915 55 555", "--kind", "complaint",
                                 "--by", "agent7"])
    assert opened.exit_code == 0 and "(new profile)" in opened.output, opened.output
    case_ref = opened.output.split()[2]
    closed = runner.invoke(app, ["case", "close", case_ref, *common, "--by", "agent7"])
    # foreldelsesloven after closing: the 3 years end with the same date; due the day after (1182/71)
    until = (datetime.now(UTC).date() + relativedelta(years=3) + timedelta(days=1)).isoformat()
    assert closed.exit_code == 0 and until in closed.output, closed.output


def test_bad_input_exits_1_with_a_clear_message(keyed: Path, db_url: str, policy_path: Path) -> None:
    common = ["--policy", str(policy_path), "--db", db_url]
    bad = runner.invoke(app, ["lookup", "kari@", *common])
    assert bad.exit_code == 1 and "email" in bad.output and "Traceback" not in bad.output
    call = runner.invoke(app, ["contact", "log", "00000000-0000-4000-8000-000000000000", *common,
                               "--channel", "phone", "--by", "agent7"])
    assert call.exit_code == 1 and "no subject" in call.output
    day = runner.invoke(app, ["case", "close", "x", *common, "--by", "a", "--on", "tomorrow"])
    assert day.exit_code == 1 and "--on" in day.output


@pytest.mark.promise("TP16")
def test_policy_activate_queues_the_change_emails(keyed: Path, db_url: str, tmp_path: Path) -> None:
    tp = POLICIES / "tp-ecommerce.yaml"
    with Register.open(tp, db_url, master_key=MasterKey.from_env()) as reg:
        ref = reg.add_subject("customer", {"email": "kari@example.no"})
        reg.write(ref, "customer_service", ["custom.correspondence"], {"custom.correspondence": "hei"})
    new = tmp_path / "tp-new.yaml"
    new.write_text(tp.read_text(encoding="utf-8").replace("at least 30 days   # TP3", "at least 90 days   # TP3"),
                   encoding="utf-8")
    args = ["policy", "activate", str(new), "--policy", str(tp), "--db", db_url, "--by", "dpo"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0 and "1 e-mail(s) queued" in first.output and "material" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "already active" in again.output and "0 e-mail(s)" in again.output
