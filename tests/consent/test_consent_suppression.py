"""Objection to marketing (TP13e, KL7), the suppression list that survives erasure, Reservasjonsregisteret."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from personvern import audit
from personvern.consent import (
    ReservationFileError,
    current,
    give,
    import_reservations,
    is_suppressed,
    may_contact,
    object_to_marketing,
    suppress,
    suppress_subject,
)
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.rights import erase_subject

TEXT = "Ja takk til nyhetsbrev."


@pytest.mark.promise("TP13e")
@pytest.mark.promise("KL7")
def test_objection_stops_all_marketing_at_once(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person(bought=True)
    for ch in ("email", "sms"):
        give(shop, ref, "marketing", channel=ch, method="web_form", text=TEXT)
    result = object_to_marketing(shop, ref, by="subject")
    assert result.purposes == ["marketing"] and len(result.consents_withdrawn) == 2 and result.suppressed == 3
    assert {s.state for s in current(shop, ref) if s.purpose == "marketing" and s.channel in ("email", "sms")} == {
        "withdrawn"}
    for ch in ("email", "sms", "post", "phone"):
        d = may_contact(shop, ref, "marketing", ch)
        assert (d.allowed, d.code) == (False, "objected"), ch
    assert may_contact(shop, ref, "order_messages", "email").allowed  # service messages go on (TP13f)
    with shop.engine.connect() as c:
        assert "marketing.objected" in [e.action for e in audit.entries(c, ref)]


@pytest.mark.promise("KL7")
def test_suppression_survives_erasure_and_blocks_a_new_subject_with_the_address(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person(email="Kari.Nordmann@Example.no", phone="+47 975 27 747")
    object_to_marketing(shop, ref, by="subject")
    erase_subject(shop, ref, ground="a", by="privacy-officer")
    assert is_suppressed(shop, kind="email", value="kari.nordmann@example.no")
    again = shop.add_subject("customer", {"phone": "0047 975 27 747"})  # created all the same
    shop.record_event("purchase.completed", shop.today(), subject=again)
    d = may_contact(shop, again, "marketing", "sms")
    assert (d.allowed, d.code) == (False, "objected")
    assert is_suppressed(shop, again, channel="sms")


def test_nothing_in_clear_at_rest(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person(email="ola@example.no", phone="+47 975 27 747")
    suppress_subject(shop, None, ref)
    with shop.engine.connect() as c:
        rows = c.execute(select(t.suppressions)).all()
    blob = repr(rows)
    assert "ola@example.no" not in blob and "97527747" not in blob
    assert {r.kind for r in rows} == {"email", "phone", "subject"}
    assert suppress_subject(shop, None, ref) == 0  # idempotent


def test_suppress_one_address_and_check_it(shop: Register) -> None:
    assert suppress(shop, None, kind="phone", value="+47 975 27 747", reason="sperreliste") == 1
    assert suppress(shop, None, kind="phone", value="97527747", reason="sperreliste") == 0
    assert is_suppressed(shop, kind="phone", value="0047 97527747")
    assert not is_suppressed(shop, kind="phone", value="+47 975 27 748")
    with pytest.raises(RegisterError) as exc:
        suppress(shop, None, kind="phone", value="97527747", reason="because")
    assert exc.value.field == "reason"


def test_a_purpose_scoped_objection_leaves_other_purposes(open_register) -> None:  # type: ignore[no-untyped-def]
    pilaro = open_register("pilaro")
    ref = pilaro.add_subject("business_contact", {"email": "b@example.no"})
    for p in ("marketing_new_customers", "marketing_existing_customers"):
        give(pilaro, ref, p, channel="email", method="web_form", text=TEXT)
    object_to_marketing(pilaro, ref, by="subject", purpose="marketing_new_customers")
    assert may_contact(pilaro, ref, "marketing_new_customers", "email").code == "objected"
    assert may_contact(pilaro, ref, "marketing_existing_customers", "email").code == "consent"
    with pytest.raises(RegisterError, match="not a marketing purpose"):
        object_to_marketing(pilaro, ref, by="subject", purpose="bookkeeping")


def _file(tmp_path: Path, body: str, name: str = "rr.csv") -> Path:
    f = tmp_path / name
    f.write_text("kind,value,channels\n" + body)
    return f


def test_reservation_import_stores_hashes_replaces_the_previous_wash_and_records_it(shop: Register,
                                                                                     tmp_path: Path) -> None:
    first = import_reservations(shop, _file(tmp_path, "phone,+47 975 27 747,phone;post\nphone,97527747,post\n"
                                            'address,"Storgata 1, 0155 Oslo",post\n'), by="po")
    assert (first.entries, first.lines) == (2, 3)  # the two phone lines are one number
    second = import_reservations(shop, _file(tmp_path, "phone,+47 975 27 748,phone\n", "rr2.csv"), by="po")
    with shop.engine.connect() as c:
        rows = c.execute(select(t.reservations)).all()
        washes = c.execute(select(t.reservation_washes).order_by(t.reservation_washes.c.id)).all()
    assert [(r.kind, r.channels, r.wash_id) for r in rows] == [("phone", "phone", second.wash_id)]
    assert "97527748" not in repr(rows)
    assert [(w.entries, w.actor) for w in washes] == [(2, "po"), (1, "po")]
    assert len(washes[1].file_sha256) == 64 and washes[1].file_sha256 == second.file_sha256


def test_bad_lines_are_reported_as_file_line_field_and_nothing_is_written(shop: Register, tmp_path: Path) -> None:
    f = _file(tmp_path, "phone,97527747,phone\nfax,123,phone\nphone,12,phone\nphone,97527747,email\n"
                        "phone,97527747\n")
    with pytest.raises(ReservationFileError) as exc:
        import_reservations(shop, f, by="po")
    assert [p.split(": ")[0:2] for p in exc.value.problems] == [
        [f"{f}:3", "kind"], [f"{f}:4", "value"], [f"{f}:5", "channels"], [f"{f}:6", "line"]]
    with shop.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.reservation_washes)).scalar_one() == 0


def test_a_file_with_the_wrong_header_or_missing_is_refused(shop: Register, tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("telefon,kanal\n97527747,phone\n")
    with pytest.raises(ReservationFileError, match=":1: header: expected 'kind,value,channels'"):
        import_reservations(shop, bad, by="po")
    with pytest.raises(RegisterError, match="cannot read") as exc:
        import_reservations(shop, tmp_path / "missing.csv", by="po")
    assert exc.value.field == "file"
