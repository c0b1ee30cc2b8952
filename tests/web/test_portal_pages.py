"""The portal "Mine sider": magic-link login, my data and copy, channel choices, requests — and only my own."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

import pytest
from web_ui_support import Site, form_token, last_login_link, make_site, outbox_count, portal_login, staff_login

from personvern.consent.ledger import current
from personvern.demo import DEMO_EMAIL
from personvern.notice.wording import describe_basis
from personvern.register import Register
from personvern.rights import requests as rq
from personvern.web.i18n import EN, NB


@pytest.fixture
def site(open_register: Callable[[str], Register], monkeypatch: pytest.MonkeyPatch) -> Site:
    return make_site(open_register("tp-ecommerce"), monkeypatch)


def test_the_login_page_answers_the_same_for_a_known_and_an_unknown_address(site: Site) -> None:
    answers = []
    for email in (DEMO_EMAIL, "nobody.at.all@example.no"):
        client = site.client()
        before = outbox_count(site.reg)
        token = form_token(client.get("/mine-sider/login").text)
        res = client.post("/mine-sider/login", data={"email": email, "csrf": token})
        answers.append((res.status_code, res.url.path, res.text))
        answers[-1] += (outbox_count(site.reg) - before,)
    assert answers[0][:3] == answers[1][:3]
    assert (answers[0][3], answers[1][3]) == (1, 0)  # only a known address gets an e-mail


def test_a_login_link_works_once(site: Site) -> None:
    client = site.client()
    assert portal_login(client, site.reg).url.path == "/mine-sider"
    link = last_login_link(site.reg)
    again = site.client().post("/mine-sider/innlogging", data={"token": link})
    assert again.status_code == 400 and "Lenken er ugyldig" in again.text


def test_opening_the_link_does_not_use_it_up(site: Site) -> None:
    client = site.client()
    token = form_token(client.get("/mine-sider/login").text)
    client.post("/mine-sider/login", data={"email": DEMO_EMAIL, "csrf": token})
    link = last_login_link(site.reg)
    assert client.get(f"/mine-sider/innlogging?token={link}").status_code == 200  # a mail scanner's GET
    assert client.post("/mine-sider/innlogging", data={"token": link}).url.path == "/mine-sider"


@pytest.mark.promise("TP13a")
def test_my_data_by_purpose_and_my_register_copy(site: Site) -> None:
    client = site.client()
    home = portal_login(client, site.reg)
    assert all(p.name.nb in home.text for p in site.reg.policy.purposes if p.key == "marketing")
    pdf = client.get("/mine-sider/registerkopi.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    copy = client.get("/mine-sider/registerkopi.json")
    assert copy.headers["content-type"].startswith("application/json")
    assert site.demo.demo_subject in json.dumps(copy.json())
    portable = client.get("/mine-sider/dataportabilitet.zip")
    assert portable.status_code == 200 and portable.content[:2] == b"PK"


@pytest.mark.promise("TP13f")
def test_turning_sms_offers_off_withdraws_that_channel_only(site: Site) -> None:
    client = site.client()
    home = portal_login(client, site.reg)
    boxes = re.findall(r'name="on" value="(marketing:\w+)"\s*(checked)?', home.text)
    assert ("marketing:sms", "checked") in boxes
    keep = [v for v, checked in boxes if checked and v != "marketing:sms"]
    client.post("/mine-sider/kanaler", data={"csrf": form_token(home.text), "on": keep})
    states = {(s.purpose, s.channel): s.state for s in current(site.reg, site.demo.demo_subject)}
    assert states[("marketing", "sms")] == "withdrawn" and states[("marketing", "email")] == "given"


@pytest.mark.promise("TP13e")
def test_objecting_to_marketing_stops_every_channel(site: Site) -> None:
    client = site.client()
    home = portal_login(client, site.reg)
    client.post("/mine-sider/innsigelse", data={"csrf": form_token(home.text)})
    states = [s.state for s in current(site.reg, site.demo.demo_subject) if s.purpose == "marketing"]
    assert states and all(s == "withdrawn" for s in states)


def test_a_request_of_another_subject_is_not_found(site: Site) -> None:
    mine = site.client()
    home = portal_login(mine, site.reg)
    res = mine.post("/mine-sider/foresporsler", data={"csrf": form_token(home.text), "kind": "erasure"})
    my_ref = res.url.path.rsplit("/", 1)[1]
    assert res.status_code == 200 and "Sletting" in res.text
    other = site.reg.find("customer_number", "K-000002")[0]
    their_ref = rq.open_request(site.reg, "access", subject=other, channel="email").ref
    assert mine.get(f"/mine-sider/foresporsler/{their_ref}").status_code == 404
    assert mine.get("/mine-sider/foresporsler/00000000-0000-4000-8000-000000000000").status_code == 404
    assert mine.get(f"/mine-sider/foresporsler/{my_ref}").status_code == 200


def test_portal_forms_need_the_csrf_token(site: Site) -> None:
    client = site.client()
    portal_login(client, site.reg)
    assert client.post("/mine-sider/foresporsler", data={"kind": "erasure"}).status_code == 403
    assert client.post("/mine-sider/kanaler", data={"on": []}).status_code == 403


def test_staff_sessions_do_not_open_the_portal_and_subjects_do_not_open_the_console(site: Site) -> None:
    subject = site.client()
    portal_login(subject, site.reg)
    assert subject.get("/console/requests", follow_redirects=False).status_code == 303
    agent = site.client()
    staff_login(agent, "agent")
    assert agent.get("/mine-sider", follow_redirects=False).status_code == 303


@pytest.mark.promise("TP13c")
def test_an_erasure_request_from_the_portal_is_completed_by_the_privacy_officer(site: Site) -> None:
    client = site.client()
    home = portal_login(client, site.reg)
    res = client.post("/mine-sider/foresporsler", data={"csrf": form_token(home.text), "kind": "erasure"})
    ref = res.url.path.rsplit("/", 1)[1]
    officer = site.client()
    staff_login(officer, "privacy_officer")
    page = officer.get(f"/console/requests/{ref}")
    token = form_token(page.text)
    preview = officer.post(f"/console/requests/{ref}/complete", data={"csrf": token, "ground": "a"})
    assert preview.status_code == 200 and "Gjennomføre slettingen?" in preview.text  # nothing done yet
    assert rq.get_request(site.reg, ref).status == "verified"
    done = officer.post(f"/console/requests/{ref}/complete", data={"csrf": token, "ground": "a", "confirm": "yes"})
    assert done.status_code == 200 and "Fullført" in done.text and "erasure-explanation" in done.text


def test_the_mailbox_exists_only_in_demo_mode(open_register: Callable[[str], Register],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(open_register("tek-zence"), monkeypatch, customers=2, demo_mode=False)
    assert site.client().get("/mailbox").status_code == 404


def test_the_catalogues_have_the_same_keys_and_fill_the_same_fields() -> None:
    assert set(NB) == set(EN)
    for key in NB:
        assert set(re.findall(r"{(\w+)}", NB[key])) == set(re.findall(r"{(\w+)}", EN[key])), key


def test_the_public_notice_in_both_languages(site: Site) -> None:
    client = site.client()
    nb = client.get("/personvern")
    en = client.get("/personvern", params={"lang": "en"})
    assert nb.status_code == en.status_code == 200
    assert 'lang="nb"' in nb.text and 'lang="en"' in en.text
    assert site.reg.policy.controller.name in nb.text
    assert client.get("/").status_code == 200 and client.get("/static/personvern.css").status_code == 200
    assert client.get("/static/..%2Fapp.py").status_code == 404


def _exports(site: Site) -> list[str]:
    from personvern import audit

    with site.reg.engine.connect() as c:
        return [e.details["kind"] for e in audit.entries(c, site.demo.demo_subject, actions=["export.created"])]


@pytest.mark.promise("TP13a")
def test_my_page_reads_lightly_and_only_a_download_is_an_export(site: Site) -> None:
    client = site.client()
    home = portal_login(client, site.reg)
    client.get("/mine-sider")
    assert _exports(site) == []  # viewing "my data" makes no copy of it
    service = site.reg.policy.purpose("customer_service")
    assert service is not None and service.name.nb in home.text
    basis = html.escape(describe_basis(service.legal_basis, "nb"), quote=True)
    assert basis in home.text  # why: the legal basis in words
    assert "Kari Nordmann" not in home.text.split('id="data"')[1].split('id="kanaler"')[0]  # no payloads
    client.get("/mine-sider/registerkopi.pdf")
    assert _exports(site) == ["access"]
    client.get("/mine-sider/dataportabilitet.zip")
    assert _exports(site) == ["access", "portability"]


def test_a_portal_request_the_library_refuses_is_explained_on_my_page(site: Site) -> None:
    client = site.client()
    token = form_token(portal_login(client, site.reg).text)
    empty = client.post("/mine-sider/foresporsler", data={"csrf": token, "kind": "rectification", "what": " "})
    assert empty.status_code == 400 and "Traceback" not in empty.text
    assert re.search(r'role="alert"><strong>Skriv hva som er feil, og hva som er riktig\.</strong>', empty.text)
    assert "<details" not in empty.text  # the subject sees the message, not the library's words
    english = client.post("/mine-sider/foresporsler?lang=en", data={"csrf": token, "kind": "nonsense"})
    assert english.status_code == 400 and "Choose what it is about." in english.text
    assert rq.list_requests(site.reg, subject=site.demo.demo_subject) == []


def test_my_page_answers_as_logged_out_when_the_subject_is_removed_while_it_runs(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sweep (or an erasure) removes the subject between the session check and the page's reads (issue 13)."""
    from sqlalchemy import delete

    from personvern.register import schema as t
    from personvern.web import auth

    client = site.client()
    portal_login(client, site.reg)
    checked = auth.session_principal

    def then_removed(reg: Register, token: str) -> auth.Principal | None:
        who = checked(reg, token)
        with reg.transaction() as c:
            c.execute(delete(t.subjects).where(t.subjects.c.ref == site.demo.demo_subject))
        return who

    monkeypatch.setattr(auth, "session_principal", then_removed)
    res = client.get("/mine-sider/", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/mine-sider/login")
