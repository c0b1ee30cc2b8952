"""``personvern audit verify`` and ``personvern audit show``."""

from __future__ import annotations

import json

from audit_samples import SUBJECT, remove
from sqlalchemy import Engine
from typer.testing import CliRunner

from personvern.cli import app


def db(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_verify_says_intact_and_exits_0(chain: Engine) -> None:
    result = CliRunner().invoke(app, ["audit", "verify", "--db", db(chain)])
    assert result.exit_code == 0, result.output
    assert "audit trail intact: 10 entries" in result.output


def test_verify_names_the_broken_seq_and_kind_and_exits_1(chain: Engine) -> None:
    remove(chain, 6)
    result = CliRunner().invoke(app, ["audit", "verify", "--db", db(chain)])
    assert result.exit_code == 1
    assert "audit trail broken at seq 6 (deleted)" in result.output


def test_show_prints_a_subjects_entries_as_json_or_a_table(chain: Engine) -> None:
    result = CliRunner().invoke(app, ["audit", "show", "--db", db(chain), "--subject", SUBJECT,
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [e["seq"] for e in json.loads(result.stdout)] == [1, 2, 3, 4, 8, 9]
    table = CliRunner().invoke(app, ["audit", "show", "--db", db(chain), "--limit", "2"])
    assert table.exit_code == 0, table.output
    assert "record.read" in table.output and "newest 2" in table.output


def test_show_csv(chain: Engine) -> None:
    result = CliRunner().invoke(app, ["audit", "show", "--db", db(chain), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "\ufeffseq;at;actor;role;action;subject_ref;purpose;record_ids;details"
    assert len(result.stdout.splitlines()) == 11
    plain = CliRunner().invoke(app, ["audit", "show", "--db", db(chain), "--format", "csv", "--csv", "plain"])
    assert plain.stdout.splitlines()[0] == "seq,at,actor,role,action,subject_ref,purpose,record_ids,details"
