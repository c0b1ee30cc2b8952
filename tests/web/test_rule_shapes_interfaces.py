"""Issue 14 item 5 outside the library: moving records on from the command line and the API (the same library
call, the same refusal with its reason: exit 1 / HTTP 403), and the console's words for records kept until the
subject asks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web_api_support import make_api

from personvern.cli import app
from personvern.register import MasterKey, Register

SHAPES = Path(__file__).resolve().parents[1] / "policy" / "fixtures" / "shapes" / "shapes.yaml"
runner = CliRunner()


def _trial(reg: Register) -> str:
    ref = reg.add_subject("trial_member", {"email": "siri@example.no"})
    reg.write(ref, "trial", ["user.name"], {"user.name": "Siri"})
    reg.record_event("trial.ended", date(2026, 2, 1), subject=ref)
    return ref


def test_personvern_move_moves_and_refuses_with_the_reason(tmp_path: Path, db_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "master.key"
    assert runner.invoke(app, ["keys", "generate", str(key)]).exit_code == 0
    monkeypatch.setenv("PERSONVERN_MASTER_KEY_FILE", str(key))
    with Register.open(SHAPES, db_url, master_key=MasterKey.from_env()) as reg:
        ref = _trial(reg)
    common = ["--policy", str(SHAPES), "--db", db_url, "--by", "agent7"]
    refused = runner.invoke(app, ["move", ref, *common, "--from", "trial", "--to", "membership"])
    assert refused.exit_code == 1
    assert "'membership' covers member, not 'trial_member'" in refused.stderr
    moved = runner.invoke(app, ["move", ref, *common, "--from", "trial", "--to", "membership", "--kind", "member"])
    assert moved.exit_code == 0, moved.output
    assert "moved 1 record(s) from trial to membership; the subject is now member" in moved.output


def test_the_api_moves_and_answers_403_with_the_reason(db_url: str) -> None:
    with Register.open(SHAPES, db_url, master_key=MasterKey(bytes(range(32)))) as reg:
        api = make_api(reg)
        ref = _trial(reg)
        url = f"/api/subjects/{ref}/move"
        refused = api.call("POST", url, "agent", json={"from_purpose": "trial", "to": "cases", "kind": "customer"})
        assert refused.status_code == 403 and "'trial' may not move to 'cases'" in refused.text
        moved = api.call("POST", url, "agent", json={"from_purpose": "trial", "to": "membership", "kind": "member"})
        assert moved.status_code == 200, moved.text
        assert len(moved.json()["records"]) == 1
        assert reg.subject_kind(ref) == "member"


def test_the_console_names_records_kept_until_the_subject_asks_in_words(db_url: str) -> None:
    """The sweep preview's 'waiting for' column says what a record kept until the subject asks waits for, in the
    reader's language, not the rule's sentence."""
    from personvern.policy.retention import UNTIL_ASKED
    from personvern.web.console import _event_name

    with Register.open(SHAPES, db_url, master_key=MasterKey(bytes(range(32)))) as reg:
        assert _event_name(reg, UNTIL_ASKED, "nb") == "at den registrerte ber om sletting (ingen fast lagringstid)"
        assert _event_name(reg, UNTIL_ASKED, "en") == "the subject to ask for erasure (no fixed period)"
        assert _event_name(reg, "trial.ended", "nb") == "prøveperioden er over"
