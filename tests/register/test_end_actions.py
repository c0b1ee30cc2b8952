"""End actions other than delete: reduce to named categories, and hand over to an archive, then delete."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from personvern.register import MasterKey, Register
from personvern.register import schema as t
from personvern.register.crypto import decrypt

POLICY = """
personvern: 1
controller:
  name: Testbutikken AS
  orgnr: "923456783"
  address: {street: "Gata 1", postcode: "0150", city: "Oslo"}
policy: {version: "1", effective: 2026-01-01}
purposes:
  - key: statistics
    name: {nb: Statistikk, en: Statistics}
    description: {nb: Kundestatistikk., en: Customer statistics.}
    legal_basis: {article: f, interest: {nb: forstå kundene, en: understanding customers}}
    categories: [user.name, user.demographic.age_range, user.contact.address.city]
    subjects: [customer]
    retention: {rule: 12 months after collection, then: reduce, keep: [user.demographic.age_range,
                user.contact.address.city]}
  - key: archive_case
    name: {nb: Arkivsak, en: Archived case}
    description: {nb: Saker som skal til arkivet., en: Cases that go to the archive.}
    legal_basis: {article: c, law: "arkivlova § 6"}
    categories: [user.name]
    subjects: [customer]
    retention: {rule: 2 years after collection, then: hand_over, archive: Arkivverket}
"""


@pytest.fixture
def shop(tmp_path: Path, db_url: str, clock: Callable[[], datetime]) -> Iterator[Register]:
    path = tmp_path / "shop.yaml"
    path.write_text(POLICY)
    with Register.open(path, db_url, master_key=MasterKey(bytes(range(32))), clock=clock) as reg:
        yield reg


def test_reduce_keeps_only_the_named_categories_detached_from_the_subject(shop: Register) -> None:
    ref = shop.add_subject("customer", {"email": "kari@example.no"})
    shop.write(ref, "statistics", ["user.name", "user.demographic.age_range", "user.contact.address.city"],
               {"user.name": "Kari Nordmann", "user.demographic.age_range": "30-39",
                "user.contact.address.city": "Oslo"},
               collected=date(2026, 1, 5))
    assert shop.sweep(date(2027, 1, 5)).total == 0  # 12 months from 5 Jan 2026 end with 5 Jan 2027
    report = shop.sweep(date(2027, 1, 6))
    assert report.reduced == {"statistics": 1} and report.deleted == {}
    assert report.subjects_removed == 1 and shop.find("email", "kari@example.no") == []
    with shop.engine.connect() as c:
        row = c.execute(select(t.records)).one()
    assert row.subject_id is None and row.payload is None and row.state == "reduced"
    assert row.reduced == {"user.demographic.age_range": "30-39", "user.contact.address.city": "Oslo"}
    assert sorted(row.categories) == ["user.contact.address.city", "user.demographic.age_range"]
    assert shop.sweep(date(2099, 1, 1)).total == 0  # the statistical remainder stays


def test_hand_over_puts_the_record_in_the_outbox_for_the_archive_then_deletes_it(shop: Register) -> None:
    ref = shop.add_subject("customer")
    rid = shop.write(ref, "archive_case", ["user.name"], {"user.name": "Kari Nordmann"}, collected=date(2026, 1, 5))
    assert shop.sweep(date(2028, 1, 5)).total == 0  # the period's last day (Regulation 1182/71 art. 3(2)(c))
    report = shop.sweep(date(2028, 1, 6))
    assert report.handed_over == {"archive_case": 1}
    with shop.engine.connect() as c:
        assert c.execute(select(t.records)).first() is None
        message = c.execute(select(t.outbox)).one()
    assert (message.kind, message.destination, message.idempotency_key) == ("archive", "Arkivverket", f"archive:{rid}")
    assert b"Kari" not in message.body
    body = json.loads(decrypt(shop.keys.outbox_key, message.body, b"outbox"))
    assert body["payload"] == {"user.name": "Kari Nordmann"} and body["purpose"] == "archive_case"
