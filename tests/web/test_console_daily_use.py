"""The console as a Norwegian office uses it all day (issue 15, items 5-11): Oslo times with a label, words
instead of codes, the audit log's filters, paging and export, the Art. 30 page, error pages with the menu."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from web_ui_support import Site, form_token, make_site, staff_login

from personvern.demo import DEMO_PHONE
from personvern.localtime import local_date, local_time
from personvern.register import Register

PROMISE_ID = re.compile(r"\((?:TZ|TP|SN|KL|PI)\d+[a-z]?\)|\b(?:TZ|TP|SN|KL|PI)\d+[a-z]?\b")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def site(open_register: Callable[[str], Register], monkeypatch: pytest.MonkeyPatch) -> Site:
    return make_site(open_register("tp-ecommerce"), monkeypatch)


def _visible(html: str) -> str:
    """The text a person sees: no tags, no attribute values (links may carry ids, the screen may not)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_one_moment_reads_the_same_in_oslo_everywhere_with_its_label() -> None:
    winter, summer = datetime(2026, 1, 5, 16, 56, tzinfo=UTC), datetime(2026, 7, 1, 16, 56, tzinfo=UTC)
    assert local_time(winter, "nb") == "5. jan. 2026 kl. 17:56 (norsk tid)"
    assert local_time(summer, "nb") == "1. jul. 2026 kl. 18:56 (norsk tid)"  # summer time: UTC+2
    assert local_time(winter, "en") == "5 Jan 2026, 17:56 (Oslo time)"
    assert local_time(winter.replace(tzinfo=None), "nb") == local_time(winter, "nb")  # stored naive = UTC
    assert local_date(datetime(2026, 1, 5, 23, 30, tzinfo=UTC), "nb") == "6. jan. 2026"  # already the 6th in Oslo
    assert local_date(date(2026, 5, 17), "en") == "17 May 2026"


def test_the_screen_and_the_register_copy_pdf_show_the_same_time() -> None:
    from personvern.rights._access_render import _moment
    from personvern.web.i18n import when

    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night summer time starts
    assert _moment(moment, "nb") == when(moment, "nb") == "29. mar. 2026 kl. 01:30 (norsk tid)"
    assert _moment(moment, "en") == when(moment, "en")


def test_the_profile_shows_the_call_in_oslo_time_and_no_internal_codes(site: Site) -> None:
    from personvern.service.contact import contacts

    agent = site.client()
    staff_login(agent, "agent")
    url = f"/console/subjects/{site.demo.demo_subject}"
    token = form_token(agent.get(url).text)
    agent.post(f"{url}/contact", data={"csrf": token, "channel": "email", "direction": "in",
                                       "note": "Spurte om levering"})
    refused = agent.post(f"{url}/contact", data={"csrf": token, "channel": "phone", "note": "Hun sa " * 100})
    assert refused.status_code == 400 and "Traceback" not in refused.text  # a note, not a transcript: explained
    assert "500" in _visible(refused.text)
    html = agent.get(url).text
    [logged] = contacts(site.reg, site.demo.demo_subject)[:1]
    assert logged.channel == "email" and logged.record is not None  # the note is kept under the purpose
    assert local_time(logged.at, "nb") in html
    text = _visible(html)
    assert not PROMISE_ID.search(text), PROMISE_ID.search(text)
    assert not UUID.search(text)
    assert "customer_service" not in text and "Kari Nordmann" in text


def _section(html: str, anchor: str) -> str:
    found = re.search(rf'<section[^>]*id="{anchor}".*?</section>', html, flags=re.S)
    assert found, f"no #{anchor} on the page"
    return _visible(found.group(0))


def test_the_profile_answers_for_every_channel_with_the_reason_in_words(site: Site) -> None:
    """Issue 15 item 9: e-mail, SMS, phone and post each get an answer; TP E-commerce markets by e-mail and SMS
    only (TP13f), so phone and post say why not, in words."""
    agent = site.client()
    staff_login(agent, "agent")
    answers = _section(agent.get(f"/console/subjects/{site.demo.demo_subject}").text, "contact-now")
    for channel in ("E-post", "SMS", "Ringe", "Brev"):
        assert channel in answers, channel
    assert answers.count("Brukes ikke til markedsføring") == 2  # phone and post
    assert "er ikke markedsføring" in answers and not re.search(r"(?<![\w-])(phone|post|email|sms)(?![\w-])", answers)


def test_a_case_description_is_shown_on_the_profile_escaped(site: Site) -> None:
    agent = site.client()
    staff_login(agent, "agent")
    url = f"/console/subjects/{site.demo.demo_subject}"
    html = agent.get(url).text
    purpose = re.search(r'<select name="purpose"[^>]*><option value="([^"]+)"', html)
    assert purpose
    opened = agent.post(f"{url}/cases", data={"csrf": form_token(html), "kind": "complaint",
                                              "purpose": purpose.group(1),
                                              "description": "<b>Pakken</b> kom aldri frem"})
    assert opened.status_code == 200 and "done.case_opened" in str(opened.url)
    assert "&lt;b&gt;Pakken&lt;/b&gt; kom aldri frem" in opened.text and "<b>Pakken</b>" not in opened.text
    assert "Pakken" in _section(opened.text, "cases")


def test_a_call_takes_a_short_note_and_the_page_says_the_call_itself_is_not_recorded(site: Site) -> None:
    """SN4's reading, on every company by default (policy.model.Calls): the sound of a call is never
    recorded; the agent's typed summary is kept under the purpose like an e-mail's text."""
    from personvern.service.contact import contacts

    agent = site.client()
    staff_login(agent, "agent")
    url = f"/console/subjects/{site.demo.demo_subject}"
    html = agent.get(url).text
    assert "Selve samtalen tas ikke opp" in _visible(html)
    logged = agent.post(f"{url}/contact", data={"csrf": form_token(html), "channel": "phone", "direction": "in",
                                                "note": "Ringte om forsinket levering"})
    assert logged.status_code == 200 and "done.contact" in str(logged.url)
    [call] = contacts(site.reg, site.demo.demo_subject)[:1]
    assert call.channel == "phone" and call.record is not None


def test_the_officer_looks_customers_up_and_an_agent_gets_a_403_page_with_the_menu(site: Site) -> None:
    officer = site.client()
    staff_login(officer, "privacy_officer")
    hits = officer.get("/console/lookup/results", params={"q": DEMO_PHONE})
    assert hits.status_code == 200 and f"/console/subjects/{site.demo.demo_subject}" in hits.text
    assert "Kari Nordmann" in hits.text  # the hit names the person
    agent = site.client()
    staff_login(agent, "agent")
    for lang, words in (("nb", "Ingen tilgang"), ("en", "No access")):
        denied = agent.get("/console/requests", params={"lang": lang})
        assert denied.status_code == 403 and words in denied.text
        assert 'href="/console/lookup"' in denied.text and "/console/logout" in denied.text  # the menu
        assert "you do not have access" not in denied.text or lang == "en"
    missing = agent.get("/console/nowhere", params={"lang": "nb"})
    assert missing.status_code == 404 and "Fant ikke siden" in missing.text and 'href="/console/lookup"' in missing.text


def test_the_audit_log_filters_by_person_staff_event_and_date_pages_and_exports(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from personvern.web import console_audit

    monkeypatch.setattr(console_audit, "PAGE", 3)
    agent = site.client()
    staff_login(agent, "agent")
    agent.get(f"/console/subjects/{site.demo.demo_subject}")  # subject.viewed by the agent
    officer = site.client()
    staff_login(officer, "privacy_officer")
    everything = officer.get("/console/audit")
    assert everything.status_code == 200 and "(norsk tid)" in everything.text
    assert "subject.viewed" not in _visible(everything.text) and "Kundeprofil åpnet" in everything.text
    assert "Eldre oppføringer" in everything.text  # more than one page
    older = re.search(r'id="audit-older" href="([^"]+)"', everything.text)
    assert older and "before=" in older.group(1)
    second = officer.get(older.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and "Nyeste" in second.text

    by_phone = officer.get("/console/audit", params={"person": "975 27 747", "staff": "agent",
                                                     "kind": "subject.viewed"})
    assert "Viser loggen for Kari Nordmann" in by_phone.text
    rows = re.findall(r"<tr><td class=\"small nowrap\">", by_phone.text)
    assert len(rows) == 1
    nobody = officer.get("/console/audit", params={"person": "nobody@example.no"})
    assert "Fant ingen kunde" in nobody.text and "Ingen oppføringer" in nobody.text
    future = officer.get("/console/audit", params={"from": "2099-01-01"})
    assert "Ingen oppføringer" in future.text

    export = officer.get("/console/audit.csv", params={"person": "975 27 747", "kind": "subject.viewed"})
    assert export.status_code == 200 and export.text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0][1] == "Når" and len(lines) == 2 and lines[1][3] == "Kundeprofil åpnet"
    assert "(norsk tid)" in lines[1][1] and lines[1][5] == site.demo.demo_subject


def test_the_art_30_page_has_downloads_and_a_checklist_not_missing_in_every_cell(
        open_register: Callable[[str], Register], monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(open_register("tek-zence"), monkeypatch)  # its policy leaves "security" empty
    officer = site.client()
    staff_login(officer, "privacy_officer")
    ropa = officer.get("/console/policy/ropa")
    assert ropa.status_code == 200 and "MANGLER / MISSING" not in ropa.text
    checklist = re.search(r'<section class="card" id="checklist">(.*?)</section>', ropa.text, flags=re.S)
    assert checklist and checklist.group(1).count("<li>") == 1  # one line for the one field, not one per row
    assert "purposes: …: security" in checklist.group(1) or "purposes:" in checklist.group(1)
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF"), ("csv", None)):
        got = officer.get(f"/console/policy/ropa.{fmt}")
        assert got.status_code == 200 and "attachment" in got.headers["content-disposition"], fmt
        assert magic is None or got.content.startswith(magic)
    assert officer.get("/console/policy/ropa.exe").status_code == 404
    assert officer.get("/console/policy", params={"show": "ropa"}, follow_redirects=False).status_code == 303


def test_norwegian_plurals_and_the_deletion_job() -> None:
    from personvern.web.i18n import translate

    assert translate("nb", "portal.n_records", n=1) == "1 post"
    assert translate("nb", "portal.n_records", n=2) == "2 poster"
    assert translate("nb", "subject.days_left", n=1) == "1 dag igjen"
    assert translate("en", "requests.days_left", n=1) == "1 day left"
    assert "slettejobben" in translate("nb", "sweep.lead")


def test_every_built_in_audit_event_has_words_in_both_languages() -> None:
    import importlib
    import pkgutil

    import personvern

    for module in pkgutil.walk_packages(personvern.__path__, "personvern."):  # each registers its events
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    from personvern.audit._registry import EVENTS
    from personvern.web.words import EVENTS_EN, EVENTS_NB

    assert sorted(set(EVENTS) - set(EVENTS_NB)) == [] and sorted(set(EVENTS) - set(EVENTS_EN)) == []
