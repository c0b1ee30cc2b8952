"""Erasure that reaches backups: replaying the ledger after a restore, and what crypto-shredding does and
does not reach (issue 8; Art. 17, Art. 5(1)(f); limits written down in docs/security.md)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from security_helpers import EMAIL, PHONE, Backup, leaked
from sqlalchemy import select
from typer.testing import CliRunner

from personvern.cli import app
from personvern.errors import CryptoError, RegisterError
from personvern.register import MasterKey, Register
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.register.keys import Keys, rotate
from personvern.register.ledger import export_ledger, read_ledger
from personvern.rights import erase_subject
from personvern.rights import replay_erasures as replay

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml"


@pytest.fixture
def backup_of(reg: Register, tmp_path: Path) -> Iterator[list[Backup]]:
    taken: list[Backup] = []
    yield taken
    for b in taken:
        b.drop()


def _customer(reg: Register, email: str = EMAIL) -> str:
    ref = reg.add_subject("customer", {"email": email, "phone": PHONE})
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari Nordmann"})
    return ref


def _subjects(reg: Register) -> set[str]:
    with reg.engine.connect() as c:
        return set(c.execute(select(t.subjects.c.ref)).scalars())


def test_a_restored_backup_is_erased_again_by_replaying_the_exported_ledger(
        reg: Register, tmp_path: Path, backup_of: list[Backup]) -> None:
    kari, ola = _customer(reg), _customer(reg, "ola@example.no")
    backup_of.append(backup := Backup(reg.engine, tmp_path))
    erase_subject(reg, kari, ground="a", by="po")
    ledger_file = tmp_path / "erasures.jsonl"
    with ledger_file.open("w") as f:
        assert export_ledger(reg, f, since=date(2026, 1, 1)) == 1
    assert not leaked(ledger_file.read_text())  # ref and keyed hashes only
    backup.restore()
    assert _subjects(reg) == {kari, ola}  # the restore brought Kari back, and the table ledger with it
    assert replay(reg, since=date(2026, 1, 1)).entries == 0  # ... rolled back too: the table alone is not enough
    report = replay(reg, since=date(2026, 1, 1), entries=read_ledger(ledger_file))
    assert (report.entries, report.by_ref, report.by_identifier, report.already_gone) == (1, 1, 0, 0)
    assert _subjects(reg) == {ola}  # Ola shares Kari's phone (one household) and is not Kari: he stays
    assert reg.find("email", EMAIL) == []
    again = replay(reg, entries=read_ledger(ledger_file))  # idempotent
    assert (again.by_ref, again.already_gone) == (0, 1)


def test_a_subject_imported_again_under_a_new_ref_is_found_by_its_identifier_hashes(
        reg: Register, tmp_path: Path) -> None:
    kari = _customer(reg)
    erase_subject(reg, kari, ground="a", by="po")
    ledger_file = tmp_path / "erasures.jsonl"
    with ledger_file.open("w") as f:
        export_ledger(reg, f)
    household = reg.add_subject("customer", {"phone": "97527747"})  # shares only the phone: not Kari
    again = reg.add_subject("customer", {"email": EMAIL, "phone": "97527747"})  # re-imported from an old system
    report = replay(reg, entries=read_ledger(ledger_file), dry_run=True)
    assert (report.by_ref, report.by_identifier, report.erased) == (0, 1, [again])
    assert again in _subjects(reg)  # a dry run erases nothing
    replay(reg, entries=read_ledger(ledger_file))
    assert again not in _subjects(reg)
    assert household in _subjects(reg)  # one shared identifier is never enough (issue 12)


def test_replay_since_skips_older_erasures(reg: Register) -> None:
    old = _customer(reg)
    erase_subject(reg, old, ground="a", by="po")  # 2026-01-05
    with reg.engine.connect() as c:
        entries = c.execute(select(t.erasures)).all()
    assert len(entries) == 1
    assert replay(reg, since=date(2026, 2, 1)).entries == 0
    assert replay(reg, since=date(2026, 1, 5)).entries == 1


def test_a_malformed_ledger_line_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "erasures.jsonl"
    bad.write_text('{"subject_ref": "x", "lookups": ["zz"], "erased_at": "2026-01-05T12:00:00+00:00"}\n')
    with pytest.raises(RegisterError, match=r"erasures\.jsonl:1: not a ledger entry") as info:
        list(read_ledger(bad))
    assert info.value.field == "ledger"


@pytest.mark.promise("TZ4")
def test_crypto_shredding_reaches_a_backup_only_through_replay_or_a_retired_master_key(
        reg: Register, tmp_path: Path, backup_of: list[Backup]) -> None:
    """Honest about the limit: the copy holds its own wrapped subject key, so while the master key that
    wrapped it exists, the copy can be read. Erasure reaches it by replay after a restore, or when that
    master key is retired (rotated away and destroyed)."""
    ref = _customer(reg)
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
    backup_of.append(backup := Backup(reg.engine, tmp_path))
    erase_subject(reg, ref, ground="a", by="po")
    [ident] = [r for r in backup.rows("identifiers") if r["subject_id"] == sid and r["kind"] == "email"]
    [wrapped] = [r["wrapped"] for r in backup.rows("subject_keys") if r["subject_id"] == sid]
    # 1. the live database no longer has the subject's key
    with reg.engine.connect() as c, pytest.raises(CryptoError, match="crypto-shredded"):
        reg.keys.subject_key(c, sid)
    # 2. the limit: the copy's own wrapped key still opens the copy under the same master key
    key = reg.keys.master.unwrap(bytes(wrapped))
    assert decrypt(key, bytes(ident["value"]), b"email").decode() == EMAIL.casefold()
    # 3. rotate to a new master key and destroy the old one: the copy's keys can no longer be unwrapped
    new = MasterKey(bytes(range(100, 132)))
    with reg.transaction() as c:
        rotate(c, reg.keys.master, new)
    with pytest.raises(CryptoError):
        new.unwrap(bytes(wrapped))
    backup.restore()
    with reg.engine.begin() as c, pytest.raises(CryptoError, match="wrapped by master key"):
        Keys.load(c, new)


def test_cli_exports_and_replays_the_ledger(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            backup_of: list[Backup]) -> None:
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
    with Register.open(POLICY, db_url) as reg:
        ref = _customer(reg)
        backup_of.append(backup := Backup(reg.engine, tmp_path))
        erase_subject(reg, ref, ground="a", by="po")
        runner = CliRunner()
        ledger_file = tmp_path / "ledger.jsonl"
        done = runner.invoke(app, ["erasures", "export", "--policy", str(POLICY), "--db", db_url,
                                   "--output", str(ledger_file)])
        assert done.exit_code == 0, done.output
        assert json.loads(ledger_file.read_text().splitlines()[0])["subject_ref"] == ref
        backup.restore()
        bad = runner.invoke(app, ["erasures", "replay", "--policy", str(POLICY), "--db", db_url,
                                  "--since", "last week"])
        assert bad.exit_code == 1 and "--since: not a date" in bad.output
        done = runner.invoke(app, ["erasures", "replay", "--policy", str(POLICY), "--db", db_url,
                                   "--ledger", str(ledger_file), "--json"])
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)["by_ref"] == 1
        assert ref not in _subjects(reg)
