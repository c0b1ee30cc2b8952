"""`personvern consent …`, `reservations import`, `contact check`, `campaign`: thin shells over the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from personvern.cli import app
from personvern.register import MasterKey, Register

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tp-ecommerce.yaml"
KEY = MasterKey(bytes(range(32)))


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    import base64

    monkeypatch.setenv("PERSONVERN_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
    return {"db": db_url}


def run(*args: str, db: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--policy", str(POLICY), "--db", db])
    return result.exit_code, result.output


@pytest.mark.promise("TP13f")
def test_give_show_check_withdraw_and_campaign(env: dict[str, str], tmp_path: Path) -> None:
    db = env["db"]
    with Register.open(POLICY, db, master_key=KEY) as reg:
        ref = reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})
    shown = tmp_path / "shown.txt"
    shown.write_text("Ja takk, send meg tilbud på e-post.", encoding="utf-8")
    code, out = run("consent", "give", ref, "marketing", "--channel", "email", "--method", "web_form",
                    "--text-file", str(shown), db=db)
    assert code == 0, out
    code, out = run("consent", "show", ref, db=db)
    assert code == 0 and "marketing" in out and "given" in out and "never" in out
    code, out = run("contact", "check", ref, "marketing", "email", db=db)
    assert (code, out.split(" (")[0]) == (0, "allowed") and "(consent)" in out
    code, out = run("contact", "check", ref, "marketing", "sms", db=db)
    assert code == 1 and out.startswith("refused (not_a_customer)")  # no purchase: § 15 exception
    code, out = run("campaign", "marketing", "email", db=db)
    assert code == 0 and "# consent: 1" in out and ref in out
    code, out = run("campaign", "marketing", "email", "--count", db=db)
    assert code == 0 and ref not in out and "# allowed 1 of 1" in out
    code, out = run("consent", "withdraw", ref, "marketing", db=db)
    assert code == 0 and "1 consent(s)" in out
    code, out = run("contact", "check", ref, "marketing", "email", db=db)
    assert code == 1 and "(objected)" in out


def test_reservations_import_and_bad_input_is_a_clean_error(env: dict[str, str], tmp_path: Path) -> None:
    db = env["db"]
    good = tmp_path / "rr.csv"
    good.write_text("kind,value,channels\nphone,+47 975 27 747,phone\n")
    code, out = run("reservations", "import", str(good), db=db)
    assert code == 0 and "washed: 1 reservations from 1 lines" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,value,channels\nphone,12,phone\n")
    code, out = run("reservations", "import", str(bad), db=db)
    assert code == 1 and f"{bad}:2: value:" in out and "Traceback" not in out
    code, out = run("contact", "check", "no-such-ref", "marketing", "email", db=db)
    assert code == 1 and "error: subject: no subject" in out
