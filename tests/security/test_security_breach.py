"""Breach support (Art. 33-34): affected subjects, purposes and categories, the 72-hour deadline, and the
flag for telling the subjects themselves."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from security_helpers import FNR, leaked
from typer.testing import CliRunner

from personvern.audit.breach import assess
from personvern.cli import app
from personvern.errors import RegisterError
from personvern.register import MasterKey, Register

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
T0 = datetime(2026, 1, 5, 0, tzinfo=UTC)


def _shop(reg: Register) -> tuple[str, str, int, int]:
    kari = reg.add_subject("customer", {"email": "kari@example.no"})
    ola = reg.add_subject("customer", {"email": "ola@example.no"})
    r1 = reg.write(kari, "customer_service", ["custom.call_log"], {"custom.call_log": "ringte"})
    r2 = reg.write(ola, "customer_profile", ["user.name", "user.contact.email"], {"user.name": "Ola"})
    return kari, ola, r1, r2


def test_a_copied_database_affects_everyone_stored_in_the_window(reg: Register) -> None:
    kari, ola, _r1, _r2 = _shop(reg)
    aware = datetime(2026, 1, 6, 9, 30, tzinfo=UTC)
    report = assess(reg, T0, T0 + timedelta(days=2), aware_at=aware)
    assert report.scope == "stored"
    assert report.subjects == sorted([kari, ola]) and report.records == 2
    assert dict(report.purposes) == {"customer_service": 1, "customer_profile": 1}
    assert report.categories == ["custom.call_log", "user.contact.email", "user.name"]
    # Art. 33(1): 72 hours after becoming aware
    assert report.notify_by == datetime(2026, 1, 9, 9, 30, tzinfo=UTC)
    assert not report.notify_subjects_likely and not report.national_id


def test_a_misused_account_affects_only_what_it_read(reg: Register) -> None:
    kari, _ola, r1, _r2 = _shop(reg)
    reg.acting("mallory", "agent").read(kari)
    reg.acting("anne", "agent").read(_ola)
    report = assess(reg, T0, T0 + timedelta(days=1), actor="mallory")
    assert report.scope == "accessed"
    assert report.subjects == [kari] and report.records == 1 and dict(report.purposes) == {"customer_service": 1}
    with reg.transaction() as c:
        c.exec_driver_sql(f"DELETE FROM records WHERE id = {r1}")  # the record has gone since
    later = assess(reg, T0, T0 + timedelta(days=1), actor="mallory")
    assert later.records_gone == [r1] and later.subjects == [kari]


def test_named_records_outside_the_purpose_filter_are_left_out(reg: Register) -> None:
    _kari, ola, r1, r2 = _shop(reg)
    report = assess(reg, T0, T0 + timedelta(days=1), records=[r1, r2], purposes=["customer_profile"])
    assert report.scope == "records" and report.subjects == [ola] and report.records == 1


@pytest.mark.promise("TP14")
def test_national_ids_flag_notice_to_the_subjects(open_register: Callable[[str], Register]) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "kari@example.no", "national_id": FNR}, purpose="membership")
    reg.write(ref, "customer_service", ["user.contact.email"], {"user.contact.email": "kari@example.no"})
    report = assess(reg, T0, T0 + timedelta(days=1))
    assert report.national_id and report.notify_subjects_likely
    assert any("national identity numbers" in r for r in report.reasons)
    assert not leaked(json.dumps(report.as_dict()))


def test_bad_windows_and_purposes_are_clear_errors(reg: Register) -> None:
    with pytest.raises(RegisterError) as info:
        assess(reg, T0, T0 - timedelta(days=1))
    assert info.value.field == "to"
    with pytest.raises(RegisterError) as info:
        assess(reg, T0, T0 + timedelta(days=1), purposes=["nope"])
    assert info.value.field == "purpose"
    with pytest.raises(RegisterError) as info:
        assess(reg, datetime(2026, 1, 5), T0 + timedelta(days=1))
    assert info.value.field == "from"


def test_the_assessment_itself_is_audited(reg: Register) -> None:
    from personvern.audit import entries

    _shop(reg)
    assess(reg, T0, T0 + timedelta(days=1))
    with reg.engine.connect() as c:
        last = entries(c, limit=1, newest_first=True)[0]
    assert last.action == "breach.assessed" and last.details == {"subjects": 2, "records": 2}


def test_cli_prints_the_report_as_json(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
    policy = POLICIES / "tek-zence.yaml"
    with Register.open(policy, db_url, master_key=MasterKey(bytes(range(32)))) as reg:
        kari, ola, r1, _r2 = _shop(reg)
    runner = CliRunner()
    base = ["breach", "--policy", str(policy), "--db", db_url]
    today = datetime.now(UTC).date()
    done = runner.invoke(app, [*base, "--from", str(today), "--to", str(today + timedelta(days=1)),
                               "--aware-at", "2026-03-02T08:00+01:00", "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["subjects"]["count"] == 2 and sorted(out["subjects"]["refs"]) == sorted([kari, ola])
    assert out["notify_datatilsynet_by"] == "2026-03-05T07:00:00+00:00"
    done = runner.invoke(app, [*base, "--from", str(today), "--to", str(today + timedelta(days=1)),
                               "--records", str(r1)])
    assert done.exit_code == 0, done.output
    assert "affected subjects: 1" in done.stdout and "notify Datatilsynet by" in done.stdout
    bad = runner.invoke(app, [*base, "--from", "yesterday", "--to", str(today)])
    assert bad.exit_code == 1 and "--from: not a date or time" in bad.output
    bad = runner.invoke(app, [*base, "--from", str(today), "--to", str(today), "--records", "1,x"])
    assert bad.exit_code == 1 and "--records" in bad.output
