"""The staff console through its pages: login, lookup by phone, roles, CSRF, erasure with confirmation, nb/en."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from web_ui_support import Site, form_token, make_site, staff_login

from personvern.demo import DEMO_PHONE
from personvern.register import Register
from personvern.register import schema as t


@pytest.fixture
def site(open_register: Callable[[str], Register], monkeypatch: pytest.MonkeyPatch) -> Site:
    return make_site(open_register("tp-ecommerce"), monkeypatch)


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(site: Site) -> None:
    answers = []
    for username, password in (("agent", "wrong-password-123"), ("nobody-here", "agent-demo-passord")):
        client = site.client()
        token = form_token(client.get("/console/login").text)
        res = client.post("/console/login", data={"username": username, "password": password, "csrf": token})
        assert res.status_code == 401
        answers.append(re.search(r'role="alert">([^<]+)<', res.text).group(1))  # type: ignore[union-attr]
    assert answers[0] == answers[1] == "Feil brukernavn eller passord."


def test_the_login_form_needs_its_token(site: Site) -> None:
    client = site.client()
    client.get("/console/login")
    res = client.post("/console/login", data={"username": "agent", "password": "agent-demo-passord",
                                              "csrf": "forged"}, follow_redirects=False)
    assert res.status_code == 401 and "pv_session" not in res.cookies


def test_console_pages_redirect_to_login_without_a_session(site: Site) -> None:
    res = site.client().get("/console/lookup", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/console/login?next=")


@pytest.mark.promise("TZ10")
def test_an_agent_finds_a_caller_by_a_phone_number_typed_another_way(site: Site) -> None:
    client = site.client()
    assert staff_login(client, "agent").url.path == "/console/lookup"
    assert DEMO_PHONE == "+47 975 27 747"
    res = client.get("/console/lookup/results", params={"q": "0047 975-27-747"})
    assert res.status_code == 200
    assert f"/console/subjects/{site.demo.demo_subject}" in res.text
    assert "97527747" not in res.text and "*** ** 747" in res.text  # masked, never the number in clear
    profile = client.get(f"/console/subjects/{site.demo.demo_subject}")
    assert profile.status_code == 200 and "Kari Nordmann" in profile.text


def test_a_short_or_odd_query_shows_a_hint_not_an_error(site: Site) -> None:
    client = site.client()
    staff_login(client, "agent")
    assert client.get("/console/lookup/results", params={"q": "ab"}).status_code == 200
    res = client.get("/console/lookup/results", params={"q": "hei@"})
    assert res.status_code == 200 and "Traceback" not in res.text


def test_an_agent_may_not_open_the_request_queue_but_the_privacy_officer_may(site: Site) -> None:
    agent = site.client()
    staff_login(agent, "agent")
    assert agent.get("/console/requests").status_code == 403
    officer = site.client()
    assert staff_login(officer, "privacy_officer").url.path == "/console/requests"
    assert officer.get("/console/lookup").status_code == 200  # the officer looks customers up too (issue 15)
    admin = site.client()
    staff_login(admin, "admin")
    assert admin.get("/console/requests").status_code == 200 and admin.get("/console/lookup").status_code == 200


def test_the_queue_is_sorted_by_deadline_and_flags_the_overdue(site: Site) -> None:
    officer = site.client()
    page = staff_login(officer, "privacy_officer").text
    rows = re.findall(r'<tr class="(overdue)?">', page)
    assert len(rows) == site.demo.requests
    flags = [bool(x) for x in rows]
    assert any(flags) and flags == sorted(flags, reverse=True)  # the overdue come first: earliest deadline
    assert "Over fristen" in page


def test_an_unsafe_action_without_the_csrf_token_is_refused(site: Site) -> None:
    agent = site.client()
    staff_login(agent, "agent")
    url = f"/console/subjects/{site.demo.demo_subject}/contact"
    assert agent.post(url, data={"channel": "phone"}).status_code == 403
    token = form_token(agent.get(f"/console/subjects/{site.demo.demo_subject}").text)
    assert agent.post(url, data={"channel": "phone", "csrf": token}).status_code == 200


@pytest.mark.promise("TZ4")
def test_erasure_asks_for_confirmation_first(site: Site) -> None:
    officer = site.client()
    staff_login(officer, "privacy_officer")
    ref = site.demo.demo_subject
    confirm = officer.get(f"/console/subjects/{ref}/erase")
    assert confirm.status_code == 200 and 'name="confirm" value="yes"' in confirm.text
    token = form_token(confirm.text)
    officer.post(f"/console/subjects/{ref}/erase", data={"csrf": token})  # no confirmation: nothing happens
    before = records_of(site.reg, ref)
    assert before > 0 and site.reg.find("email", "kari.nordmann@example.no") == [ref]
    no_ground = officer.post(f"/console/subjects/{ref}/erase", data={"csrf": token, "confirm": "yes"})
    assert no_ground.status_code == 400 and records_of(site.reg, ref) == before  # the officer chooses the ground
    done = officer.post(f"/console/subjects/{ref}/erase", data={"csrf": token, "confirm": "yes", "ground": "d"})
    assert done.status_code == 200 and "Slettet" in done.text and "Dette beholdes, og hvorfor" in done.text
    assert records_of(site.reg, ref) < before  # what no law keeps is gone; the rest is explained on the page


def records_of(reg: Register, ref: str) -> int:
    with reg.engine.connect() as c:
        sid = c.execute(select(t.subjects.c.id).where(t.subjects.c.ref == ref)).scalar()
        return len(c.execute(select(t.records.c.id).where(t.records.c.subject_id == sid)).all()) if sid else 0


def test_sweep_preview_audit_and_policy_pages_render(site: Site) -> None:
    officer = site.client()
    staff_login(officer, "privacy_officer")
    sweep = officer.get("/console/sweep", params={"as_of": "2040-01-01"})
    assert sweep.status_code == 200 and "ingen data er endret" in sweep.text
    waiting = site.reg.sweep(as_of=date(2040, 1, 1), dry_run=True).waiting  # issue 14 item 4
    assert waiting and "Uten slettedato" in sweep.text and "Venter på" in sweep.text
    first = waiting[0].events[0]
    assert site.reg.policy.events[first].nb in sweep.text  # the event in words, not its key
    assert officer.get("/console/sweep", params={"as_of": "not-a-date"}).status_code == 422
    audit = officer.get("/console/audit")
    assert audit.status_code == 200 and "Ansattbruker opprettet" in audit.text
    assert ">web.staff_user_created<" not in audit.text  # event names in words, not codes (issue 15)
    assert "kari" not in audit.text.lower()  # ids and actions only
    notice, ropa = (officer.get("/console/policy", params={"show": show}) for show in ("notice", "ropa"))
    assert notice.status_code == ropa.status_code == 200 and notice.text != ropa.text
    assert all(p.name.nb in ropa.text for p in site.reg.policy.purposes)


def test_norwegian_by_default_english_on_request_and_remembered(site: Site) -> None:
    client = site.client()
    assert "Logg inn" in client.get("/console/login").text
    english = client.get("/console/login", params={"lang": "en"})
    assert "Username" in english.text and english.cookies.get("lang") == "en"
    assert "Username" in client.get("/console/login").text  # the cookie remembers
    assert "Brukernavn" in client.get("/console/login", params={"lang": "nb"}).text
