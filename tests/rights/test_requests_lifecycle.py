"""The request lifecycle: deadlines, repeats, the status machine, extension, artifacts, retention, the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from personvern.cli import app
from personvern.errors import NotFound, RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.rights import requests as rq


def _outbox(reg: Register, topic: str) -> list[Any]:
    with reg.engine.connect() as c:
        return c.execute(select(t.outbox).where(t.outbox.c.topic == topic).order_by(t.outbox.c.id)).all()


def _count(reg: Register, table: Any) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_request_is_due_one_month_after_receipt(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "access", subject=ref, channel="email",
                        received_at=datetime(2026, 1, 31, 10, tzinfo=UTC))
    assert (v.status, v.received_on, v.due_on, v.target_on) == ("received", date(2026, 1, 31), date(2026, 3, 2),
                                                                date(2026, 2, 28))
    assert v.effective_due == date(2026, 3, 2) and not v.overdue


def test_a_repeated_request_is_linked_to_the_open_one_not_handled_twice(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    first = rq.open_request(reg, "erasure", subject=ref, channel="email")
    again = rq.open_request(reg, "erasure", subject=ref, channel="letter")
    other = rq.open_request(reg, "access", subject=ref, channel="email")
    assert again.id == first.id and other.id != first.id
    assert [v.id for v in rq.list_requests(reg, subject=ref)] == sorted([first.id, other.id])
    repeats = [v for v in rq.list_requests(reg, include_repeats=True) if v.linked_to == first.id]
    assert len(repeats) == 1 and repeats[0].channel == "letter"
    with pytest.raises(RegisterError, match="repeats an open request"):
        rq.verify(reg, repeats[0].ref, method="id_document", by="ola")
    rq.refuse(reg, first.ref, reason="manifestly unfounded (Art. 12(5))", by="ola")
    assert rq.get_request(reg, repeats[0].ref).status == "refused"
    # once answered, a new request is a new request
    assert rq.open_request(reg, "erasure", subject=ref, channel="email").id not in (first.id, repeats[0].id)


def test_nothing_is_handled_before_identity_is_verified(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "rectification", subject=ref, channel="portal")
    with pytest.raises(RegisterError, match="not verified") as err:
        rq.complete(reg, v.ref, by="ola")
    assert err.value.field == "status"
    with pytest.raises(RegisterError, match="not verified"):
        rq.start(reg, v.ref, by="ola")
    rq.verify(reg, v.ref, method="portal_session", by=f"subject:{ref}")
    assert rq.start(reg, v.ref, by="ola").status == "in_progress"
    done = rq.complete(reg, v.ref, by="ola")
    assert done.status == "completed" and done.completed_at is not None
    with pytest.raises(RegisterError, match="it is completed"):
        rq.refuse(reg, v.ref, reason="x", by="ola")


def test_bad_input_is_a_clear_error(reg: Register) -> None:
    with pytest.raises(RegisterError) as err:
        rq.open_request(reg, "complaint", subject=None, channel="email")
    assert err.value.field == "kind"
    with pytest.raises(RegisterError) as err:
        rq.open_request(reg, "access", subject=None, channel="pigeon")
    assert err.value.field == "channel"
    with pytest.raises(RegisterError) as err:
        rq.open_request(reg, "access", subject=None, channel="email", details={"note": "kari@example.no"})
    assert err.value.field == "details"
    with pytest.raises(NotFound):
        rq.get_request(reg, "not-a-uuid")
    v = rq.open_request(reg, "access", subject=None, channel="letter")
    with pytest.raises(RegisterError, match="names no subject") as err:
        rq.verify(reg, v.ref, method="id_document", by="ola")
    assert err.value.field == "subject"


@pytest.mark.promise("KL6")
def test_kl6_staff_verifies_a_signed_request_with_a_copy_of_id(open_register: Callable[[str], Register]) -> None:
    reg = open_register("kl-miljovarme")
    ref = reg.add_subject("customer", {"email": "per@example.no"})
    v = rq.open_request(reg, "access", subject=None, channel="letter")
    v = rq.verify(reg, v.ref, method="id_document", by="lise", subject=ref, document=b"%PDF-1.4 id copy")
    assert (v.status, v.verified_by, v.verification_method, v.subject_ref) == ("verified", "lise", "id_document", ref)
    assert rq.artifact(reg, v.ref, "id-document") == ("application/pdf", b"%PDF-1.4 id copy")
    with reg.engine.connect() as c:
        stored = c.execute(select(t.request_artifacts.c.body)).scalar_one()
    assert b"id copy" not in stored  # AES-GCM under the requests key
    # the access hold was placed when the subject became known
    with reg.engine.connect() as c:
        assert c.execute(select(t.holds.c.kind).where(t.holds.c.lifted_at.is_(None))).scalars().all() == [
            "access_request"]


def test_an_id_copy_is_not_stored_where_the_policy_does_not_declare_it(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "access", subject=ref, channel="letter")
    with pytest.raises(RegisterError, match=r"user\.government_id") as err:
        rq.verify(reg, v.ref, method="id_document", by="ola", document=b"scan")
    assert err.value.field == "document"
    assert rq.verify(reg, v.ref, method="id_document", by="ola").status == "verified"


def test_extension_within_the_first_month_tells_the_subject_why(reg: Register, clock: Any) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "access", subject=ref, channel="email")
    clock.set(date(2026, 1, 20))
    v = rq.extend(reg, v.ref, reason="many records in three systems", by="ola")
    assert v.extended_to == date(2026, 4, 7) and v.effective_due == date(2026, 4, 7)
    assert v.extension_notified_at is not None
    [mail] = _outbox(reg, "request_extended")
    assert mail.destination == "k***@example.no" and mail.request_id == v.id
    body = body_of(reg, mail)
    assert body["to"] == "kari@example.no" and "many records in three systems" in body["text"]
    assert "2026-04-07" in body["text"]
    with pytest.raises(RegisterError, match="already extended"):
        rq.extend(reg, v.ref, reason="again", by="ola")


def test_no_extension_after_the_first_month(reg: Register, clock: Any) -> None:
    v = rq.open_request(reg, "access", subject=reg.add_subject("customer", {}), channel="letter")
    clock.set(date(2026, 2, 6))
    with pytest.raises(RegisterError, match="first month ended on 2026-02-05"):
        rq.extend(reg, v.ref, reason="busy", by="ola")
    assert rq.get_request(reg, v.ref).overdue


def test_list_orders_by_effective_deadline_and_finds_overdue(reg: Register, clock: Any) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    a = rq.open_request(reg, "access", subject=ref, channel="email")
    clock.set(date(2026, 1, 10))
    b = rq.open_request(reg, "erasure", subject=ref, channel="email")
    clock.set(date(2026, 1, 12))
    rq.extend(reg, a.ref, reason="complex", by="ola")
    assert [v.id for v in rq.list_requests(reg)] == [b.id, a.id]
    clock.set(date(2026, 2, 11))
    assert [v.id for v in rq.list_requests(reg, overdue=True)] == [b.id]
    assert rq.list_requests(reg, overdue=True)[0].days_left == -1
    assert [v.id for v in rq.list_requests(reg, due_within_days=7)] == [b.id]
    assert rq.list_requests(reg, status="completed") == []


def test_waiting_for_identity_stops_the_clock_when_the_policy_says_so(reg: Register, clock: Any) -> None:
    v = rq.open_request(reg, "access", subject=reg.add_subject("customer", {}), channel="letter")
    rq.mark_identity_requested(reg, v.ref, by="ola")
    clock.set(date(2026, 1, 15))
    v = rq.mark_identity_received(reg, v.ref, by="ola")
    assert v.effective_due == date(2026, 2, 5)  # default: the clock runs (EDPB 01/2022 unsettled)
    settings = reg.policy.settings.model_copy(update={"identity_wait_stops_clock": True})
    reg.policy = reg.policy.model_copy(update={"settings": settings})
    assert rq.get_request(reg, v.ref).effective_due == date(2026, 2, 16)  # +10 days, 15 Feb is a Sunday


def test_closed_requests_go_when_their_retention_ends(reg: Register, clock: Any) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    done = rq.open_request(reg, "access", subject=ref, channel="email")
    rq.add_artifact(reg, done.ref, "note.txt", "text/plain", b"answered by phone")
    done = rq.refuse(reg, done.ref, reason="withdrawn by the subject", by="ola")
    # foreldelsesloven § 2: 3 years after request.completed, ending with 5 January 2029 (1182/71 art. 3(2)(c))
    assert done.retention_until == date(2029, 1, 6)
    still_open = rq.open_request(reg, "erasure", subject=ref, channel="email")
    assert rq.sweep_requests(reg, date(2029, 1, 5)) == 0
    assert rq.sweep_requests(reg, date(2029, 1, 6)) == 1
    assert _count(reg, t.request_artifacts) == 0
    assert [v.id for v in rq.list_requests(reg)] == [still_open.id]


def test_artifacts_are_listed_and_read_back(reg: Register) -> None:
    v = rq.open_request(reg, "access", subject=None, channel="letter")
    rq.add_artifact(reg, v.ref, "letter.pdf", "application/pdf", b"%PDF")
    rq.add_artifact(reg, v.ref, "letter.pdf", "application/pdf", b"%PDF-2")  # replaced, not doubled
    [info] = rq.artifacts(reg, v.ref)
    assert (info.name, info.size) == ("letter.pdf", 6)
    assert rq.artifact(reg, v.ref, "letter.pdf") == ("application/pdf", b"%PDF-2")
    with pytest.raises(NotFound):
        rq.artifact(reg, v.ref, "other")


def test_cli_lists_requests_by_deadline_and_carries_out_steps(tmp_path: Any, monkeypatch: Any) -> None:
    db = f"sqlite:///{tmp_path / 'pv.db'}"
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
    policy = str(Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml")
    with Register.open(policy, db) as reg:
        ref = reg.add_subject("customer", {"email": "kari@example.no"})
    runner = CliRunner()
    opened = runner.invoke(app, ["requests", "--policy", policy, "--db", db, "open", "restriction",
                                 "--subject", ref, "--channel", "email"])
    assert opened.exit_code == 0, opened.output
    req = opened.output.split()[0]
    listed = runner.invoke(app, ["requests", "--policy", policy, "--db", db, "--json"])
    assert listed.exit_code == 0 and req in listed.output and '"days_left"' in listed.output
    early = runner.invoke(app, ["requests", "--policy", policy, "--db", db, "complete", req, "--by", "ola",
                                "--ground", "accuracy", "--reason", "address disputed"])
    assert early.exit_code == 1 and "not verified" in early.output
    for args in (["verify", req, "--by", "ola"],
                 ["complete", req, "--by", "ola", "--ground", "accuracy", "--reason", "address disputed"]):
        result = runner.invoke(app, ["requests", "--policy", policy, "--db", db, *args])
        assert result.exit_code == 0, result.output
    table = runner.invoke(app, ["requests", "--policy", policy, "--db", db])
    assert table.exit_code == 0 and "restriction" in table.output and "completed" in table.output


def test_cli_complete_of_an_erasure_previews_and_asks_for_yes(tmp_path: Any, monkeypatch: Any) -> None:
    """``requests complete`` on an erasure shows what ``personvern erase`` shows — deleted, sealed, kept and why,
    who is told — and changes nothing without ``--yes`` (issue 12: destructive actions are confirmed)."""
    db = f"sqlite:///{tmp_path / 'pv.db'}"
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
    policy = str(Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml")
    with Register.open(policy, db) as reg:
        ref = reg.add_subject("customer", {"email": "kari@example.no"})
        reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
        reg.write(ref, "complaints", ["custom.correspondence"], {"custom.correspondence": "klage"})
        reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521")
        v = rq.open_request(reg, "erasure", subject=ref, channel="email")
        rq.verify(reg, v.ref, method="id_document", by="ola")
    runner = CliRunner()
    base = ["requests", "--policy", policy, "--db", db, "complete", v.ref, "--by", "ola", "--ground", "b"]
    shown = runner.invoke(app, base)
    assert shown.exit_code == 0, shown.output
    for words in ("would erase 1 records", "customer_profile 1", "bookkeeping: sealed", "complaints: kept",
                  "stays identifiable", "recipients told (Art. 19)", "--yes"):
        assert words in shown.output, words
    with Register.open(policy, db) as reg:
        assert rq.get_request(reg, v.ref).status == "verified" and len(reg.read(ref, use="legal_claims")) == 3
    done = runner.invoke(app, [*base, "--yes"])
    assert done.exit_code == 0 and "completed" in done.output, done.output
    with Register.open(policy, db) as reg:
        assert rq.get_request(reg, v.ref).status == "completed"
