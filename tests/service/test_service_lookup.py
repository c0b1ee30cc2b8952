"""An agent with a caller on the line: lookup by what the caller gives, and the profile summary (TZ4, TZ8, TZ10)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import insert

from personvern.audit import entries
from personvern.errors import InvalidIdentifier, NotFound, UnknownPurpose
from personvern.register import Register, holds
from personvern.register import schema as t
from personvern.rights import erase_subject
from personvern.service import detect_kinds, log_contact, lookup, open_case, profile

# Every phone number printed in the five seeds (../shared/seeds/*), as printed there.
SEED_PHONES = ["+47 6790 4848", "+47 63 85 88 70", "+47 975 27 747"]


def _variants(printed: str) -> list[str]:
    digits = printed.removeprefix("+47").replace(" ", "")
    return [printed, digits, f"0047 {digits}", f"+47{digits}", f"+47-{digits[:3]}-{digits[3:5]}-{digits[5:]}",
            f"{digits[:3]} {digits[3:5]} {digits[5:]}", f"(+47) {digits}", f"0047-{digits}"]


@pytest.mark.promise("TZ10")
def test_every_seed_phone_number_is_found_in_every_common_format(reg: Register) -> None:
    for printed in SEED_PHONES:
        ref = reg.add_subject("customer", {"phone": printed})
        for typed in _variants(printed):
            hits = lookup(reg, typed, purpose="customer_service", by="agent7")
            assert [h.subject for h in hits] == [ref], typed
            assert hits[0].matched_by == "phone"
            assert hits[0].identifiers["phone"][0].endswith(printed.replace(" ", "")[-3:])
            assert printed.replace(" ", "") not in json.dumps(hits[0].identifiers)  # masked


def test_kind_is_detected_from_the_query() -> None:
    assert detect_kinds("Kari@Example.no") == ["email"]
    assert detect_kinds("+47 975 27 747") == ["phone"]
    assert detect_kinds("0047 97527747") == ["phone"]
    assert detect_kinds("97527747") == ["phone", "customer_number", "order_number"]
    assert detect_kinds("K-1001") == ["customer_number", "order_number"]
    assert detect_kinds("5521") == ["customer_number", "order_number"]


@pytest.mark.promise("TZ10")
def test_lookup_by_email_and_customer_number(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no", "customer_number": "K-1001"})
    reg.add_subject("customer", {"email": "ola@example.no"})
    assert [h.subject for h in lookup(reg, "KARI@example.no", purpose="customer_service")] == [ref]
    hit = lookup(reg, "k-1001", purpose="customer_service")
    assert [(h.subject, h.matched_by) for h in hit] == [(ref, "customer_number")]
    assert lookup(reg, "nobody@example.no", purpose="customer_service") == []


@pytest.mark.promise("TZ4")
def test_a_sealed_order_is_found_by_its_order_number_and_not_by_the_phone(reg: Register) -> None:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747", "email": "ola@example.no"})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521")
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)
    erase_subject(reg, ref, ground="a", by="privacy-officer")
    assert lookup(reg, "+47 975 27 747", purpose="customer_service") == []
    assert lookup(reg, "97527747", purpose="customer_service") == []
    assert lookup(reg, "ola@example.no", purpose="customer_service") == []
    for hits in (lookup(reg, "5521", purpose="customer_service"),
                 lookup(reg, "5521", kind="order_number", purpose="customer_service")):
        assert [(h.subject, h.kind, h.matched_by) for h in hits] == [(None, "sealed", "order_number")]
        assert len(hits[0].sealed_records) == 1
    with reg.engine.connect() as c:
        sealed = [e for e in entries(c, actions=["subject.looked_up"]) if e.record_ids]
    assert [(e.subject_ref, e.details["found"], e.purpose) for e in sealed] == [(None, 1, "customer_service")] * 2
    with pytest.raises(InvalidIdentifier):  # asked as a phone number, it is not one
        lookup(reg, "5521", kind="phone", purpose="customer_service")


def test_a_sealed_order_is_not_found_by_asking_for_another_kind(reg: Register) -> None:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 55210001"}, ref="55210001")
    erase_subject(reg, ref, ground="a", by="privacy-officer")
    assert lookup(reg, "55210001", kind="customer_number", purpose="customer_service") == []
    assert [h.kind for h in lookup(reg, "55210001", purpose="customer_service")] == ["sealed"]


@pytest.mark.promise("TZ10")
def test_every_lookup_is_audited_with_actor_and_purpose_and_nothing_personal(reg: Register) -> None:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747", "email": "kari@example.no"})
    lookup(reg, "+47 975 27 747", purpose="customer_service", by="agent7")
    lookup(reg, "kari@example.no", purpose="customer_profile", by="agent9")
    lookup(reg, "nobody@example.no", purpose="customer_service", by="agent7")
    with reg.engine.connect() as c:
        found = entries(c, actions=["subject.looked_up"])
        raw = json.dumps([list(r) for r in c.execute(t.audit_log.select())], default=str)
    assert [(e.actor, e.purpose, e.subject_ref, e.details["by"], e.details["found"]) for e in found] == [
        ("agent7", "customer_service", ref, "phone", 1),
        ("agent9", "customer_profile", ref, "email", 1),
        ("agent7", "customer_service", None, "email", 0)]
    for personal in ("97527747", "975 27 747", "kari@", "nobody@", "example.no"):
        assert personal not in raw


def test_lookup_refuses_an_unknown_purpose_and_a_query_that_is_no_identifier(reg: Register) -> None:
    with pytest.raises(UnknownPurpose) as err:
        lookup(reg, "kari@example.no", purpose="curiosity")
    assert err.value.field == "purpose"
    with pytest.raises(InvalidIdentifier) as bad:
        lookup(reg, "not an e-mail@", purpose="customer_service")
    assert bad.value.field == "email"
    with pytest.raises(InvalidIdentifier) as empty:
        lookup(reg, "   ", purpose="customer_service")
    assert empty.value.field == "query"


# -- profile ------------------------------------------------------------------------------------------------


def _customer(reg: Register, records: int = 1) -> str:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747", "email": "kari@example.no"})
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari Nordmann"})
    for n in range(records - 1):
        reg.write(ref, "customer_profile", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": n})
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)
    return ref


@pytest.mark.promise("TZ10")
@pytest.mark.promise("TZ8")
def test_the_profile_shows_what_the_agent_needs(reg: Register) -> None:
    ref = _customer(reg)
    case = open_case(reg, subject=ref, kind="complaint", purpose="customer_service", by="agent7")
    log_contact(reg, ref, channel="phone", direction="in", purpose="customer_service", by="agent7")
    _consent(reg, ref, "newsletter", "email")
    with reg.transaction() as c:
        c.execute(insert(t.requests).values(
            ref="11111111-2222-4333-8444-555555555555", kind="access", subject_id=reg.subject_id(c, ref),
            subject_ref=ref, status="received", channel="portal", received_at=reg.clock(),
            due_on=date(2026, 2, 5)))
    p = profile(reg, ref, purpose="customer_service", by="agent7")
    assert p.name == "Kari Nordmann" and p.kind == "customer"
    assert p.identifiers == {"phone": ["+47 *** ** 747"], "email": ["k***@example.no"]}
    groups = {g.purpose: g for g in p.purposes}
    assert groups["customer_profile"].retention_until is None  # kept while the relationship is active (TZ3)
    assert groups["customer_profile"].awaiting_event
    assert groups["customer_profile"].legal_basis and groups["customer_profile"].records == 1
    assert groups["customer_service"].awaiting_event  # the open case: until case.closed
    assert [c.ref for c in p.open_cases] == [case.ref]
    assert [(c.channel, c.direction, c.has_text) for c in p.last_contacts] == [("phone", "in", False)]
    assert [(c.purpose, c.channel, c.given) for c in p.consents] == [("newsletter", "email", True)]
    assert [(r.kind, r.status, r.due_on) for r in p.open_requests] == [("access", "received", date(2026, 2, 5))]
    with reg.engine.connect() as c:
        viewed = entries(c, ref, actions=["subject.viewed"])
    assert [(e.actor, e.purpose) for e in viewed] == [("agent7", "customer_service")]


@pytest.mark.promise("TZ8")
def test_the_profile_shows_what_each_open_case_is_about_and_audits_reading_it(reg: Register) -> None:
    ref = _customer(reg)
    about = open_case(reg, subject=ref, kind="complaint", purpose="customer_service", by="agent7",
                      description="Vaskemaskinen lekker <igjen>")
    bare = open_case(reg, subject=ref, kind="service", purpose="customer_service", by="agent7")
    p = profile(reg, ref, purpose="customer_service", by="agent7")
    assert [(c.ref, c.description) for c in p.open_cases] == [(about.ref, "Vaskemaskinen lekker <igjen>"),
                                                              (bare.ref, None)]
    with reg.engine.connect() as c:
        [viewed] = entries(c, ref, actions=["subject.viewed"])
    assert about.record in viewed.record_ids  # the description was read: the view's audit entry says so
    holds.restrict(reg, ref, ground="accuracy", reason="the customer disputes the complaint", by="privacy-officer",
                   record=about.record)
    assert [c.description for c in profile(reg, ref, purpose="customer_service").open_cases] == [None, None]


def _consent(reg: Register, ref: str, purpose: str, channel: str, *, withdrawn: bool = False) -> None:
    """A row of the consent ledger as the consent module writes it (the profile reads the table itself)."""
    with reg.transaction() as c:
        c.execute(insert(t.consents).values(subject_id=reg.subject_id(c, ref), purpose=purpose, channel=channel,
                                            given_at=reg.clock(), withdrawn_at=reg.clock() if withdrawn else None,
                                            method="web_form"))


def test_the_current_consent_per_channel_is_derived_from_the_history(reg: Register) -> None:
    ref = _customer(reg)
    _consent(reg, ref, "newsletter", "sms", withdrawn=True)
    _consent(reg, ref, "newsletter", "email", withdrawn=True)
    _consent(reg, ref, "newsletter", "email")  # given again after a withdrawal
    p = profile(reg, ref, purpose="customer_service")
    assert [(c.channel, c.given) for c in p.consents] == [("email", True), ("sms", False)]


@pytest.mark.promise("TP13d")
def test_restricted_data_is_not_shown_for_ordinary_use(reg: Register) -> None:
    ref = _customer(reg)
    holds.restrict(reg, ref, ground="accuracy", reason="the customer disputes the name", by="privacy-officer")
    p = profile(reg, ref, purpose="customer_service")
    assert p.name is None
    assert [(g.purpose, g.records, g.restricted) for g in p.purposes] == [("customer_profile", 1, 1)]
    assert [r.ground for r in p.restrictions] == ["accuracy"]


def test_a_record_restriction_hides_only_that_record(reg: Register) -> None:
    ref = _customer(reg, records=2)
    rid = max(r.id for r in reg.read(ref))
    holds.restrict(reg, ref, ground="accuracy", reason="disputed purchase", by="privacy-officer", record=rid)
    p = profile(reg, ref, purpose="customer_service")
    assert p.name == "Kari Nordmann"
    assert [(g.records, g.restricted) for g in p.purposes] == [(2, 1)]


def test_profile_reads_each_table_once_whatever_the_number_of_records(reg: Register) -> None:
    small, big = _customer(reg, records=1), _customer(reg, records=30)
    for ref in (small, big):
        case = open_case(reg, subject=ref, kind="service", purpose="customer_service", by="agent7")
        for _ in range(3):
            log_contact(reg, ref, channel="email", direction="in", purpose="customer_service", by="agent7",
                        text="hei", case=case.ref)
    counts = []
    for ref in (small, big):
        with reg.trace() as queries:
            profile(reg, ref, purpose="customer_service")
        counts.append(len(queries))
    reads = [q for q in queries if q.lstrip().upper().startswith("SELECT")]
    assert counts[0] == counts[1]
    assert counts[1] <= 16, queries  # one read per table plus the audit append
    assert len(reads) <= 12


def test_profile_of_an_unknown_subject_is_not_found(reg: Register) -> None:
    with pytest.raises(NotFound):
        profile(reg, "00000000-0000-4000-8000-000000000000", purpose="customer_service")


def test_a_bare_number_is_tried_as_every_kind_in_one_statement_and_one_audit_insert(reg: Register) -> None:
    """Issue 13, cause 4: it was 3 audited lookups, 17 statements and 3 commits."""
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747", "email": "kari@example.no"})
    other = reg.add_subject("customer", {"phone": "+47 6790 4848", "customer_number": "55210001"})
    sealed = reg.add_subject("customer", {"email": "ola@example.no"})
    reg.write(sealed, "bookkeeping", ["custom.order"], {"custom.order": "ordre"}, ref="55210001")
    reg.record_event("purchase.made", date(2026, 1, 5), subject=sealed)
    erase_subject(reg, sealed, ground="a", by="privacy-officer")
    with reg.trace() as queries:
        hits = lookup(reg, "97527747", purpose="customer_service", by="agent7")
    assert [(h.subject, h.matched_by, h.identifiers) for h in hits] == [
        (ref, "phone", {"phone": hits[0].identifiers["phone"], "email": hits[0].identifiers["email"]})]
    assert _lookups(queries) == (1, 1), queries  # one SELECT over every kind, one INSERT into the journal
    with reg.trace() as queries:
        both = lookup(reg, "55210001", purpose="customer_service", by="agent7")
    assert [(h.subject, h.kind, h.matched_by) for h in both] == [
        (other, "customer", "customer_number"), (None, "sealed", "order_number")]
    assert _lookups(queries) == (1, 1), queries
    with reg.trace() as queries:
        assert lookup(reg, "98765432", purpose="customer_service", by="agent7") == []
    assert _lookups(queries) == (1, 1), queries
    with reg.engine.connect() as c:
        found = entries(c, actions=["subject.looked_up"], actor="agent7")
    assert [(e.subject_ref, e.details["by"], e.details["found"], e.record_ids != ()) for e in found] == [
        (ref, "phone", 1, False), (other, "customer_number", 1, False), (None, "order_number", 1, True),
        (None, "phone/customer_number/order_number", 0, False)]


def _lookups(queries: list[str]) -> tuple[int, int]:
    """The lookup's own statements (the names of the hits are read after it, as the profile reads them)."""
    return (sum("matched" in q for q in queries), sum(q.lstrip().upper().startswith("INSERT INTO AUDIT_READS")
                                                       for q in queries))
