"""The portal shows the customer's state, and marketing carries a one-click opt-out (issue 15, items 12-13).

markedsføringsloven § 15 fourth paragraph: "Ved hver markedsføringshenvendelse ... skal mottakeren gis en enkel
og gebyrfri mulighet til å reservere seg mot ytterligere henvendelser." RFC 8058: one-click unsubscribe is a
POST of ``List-Unsubscribe=One-Click`` to the ``List-Unsubscribe`` URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from typer.testing import CliRunner
from web_ui_support import Site, form_token, make_site, portal_login

from personvern.consent.ledger import current, history
from personvern.consent.unsubscribe import read_token, unsubscribe_links, unsubscribe_token
from personvern.demo import DEMO_EMAIL, DEMO_PHONE
from personvern.errors import RegisterError
from personvern.register import Register


@pytest.fixture
def site(open_register: Callable[[str], Register], monkeypatch: pytest.MonkeyPatch) -> Site:
    return make_site(open_register("tp-ecommerce"), monkeypatch)


def _state(site: Site, channel: str) -> str:
    return {(s.purpose, s.channel): s.state for s in current(site.reg, site.demo.demo_subject)}[("marketing", channel)]


def test_an_unsubscribe_link_works_without_login_and_is_in_the_consent_ledger(site: Site) -> None:
    [link] = unsubscribe_links(site.reg, "https://tp.example", "marketing", "email", [site.demo.demo_subject])
    assert link.headers == {"List-Unsubscribe": f"<{link.url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    token = link.url.rsplit("/", 1)[1]
    assert site.demo.demo_subject not in link.url and "kari" not in link.url.lower()  # opaque: no personal data
    assert DEMO_PHONE.replace(" ", "")[3:] not in link.url
    client = site.client()  # nobody logged in
    asked = client.get(f"/avmelding/{token}")
    assert asked.status_code == 200 and "Meld meg av" in asked.text
    assert _state(site, "email") == "given"  # a GET (a mail system's link checker) changes nothing
    done = client.post(f"/avmelding/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Du er meldt av" in done.text
    assert _state(site, "email") == "withdrawn" and _state(site, "sms") == "given"  # only that channel
    withdrawn = [e for e in history(site.reg, site.demo.demo_subject) if e.action == "withdrawn"]
    assert withdrawn and withdrawn[-1].channel == "email"
    assert client.post(f"/avmelding/{token}").status_code == 200  # twice is harmless


def test_a_forged_token_is_refused_in_words(site: Site) -> None:
    token = unsubscribe_token(site.reg, site.demo.demo_subject, "marketing", "sms")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(RegisterError):
        read_token(site.reg, forged)
    res = site.client().post(f"/avmelding/{forged}")
    assert res.status_code == 400 and "ugyldig" in res.text and "Traceback" not in res.text
    assert _state(site, "sms") == "given"


def test_the_campaign_prints_a_link_and_the_header_values_per_recipient(site: Site, tmp_path: object) -> None:
    from personvern.consent import campaign

    allowed = campaign(site.reg, "marketing", "email").allowed
    links = unsubscribe_links(site.reg, "https://tp.example", "marketing", "email", allowed)
    assert len(links) == len(allowed) and len({x.url for x in links}) == len(links)
    help_text = CliRunner().invoke(__import__("personvern.cli", fromlist=["app"]).app, ["campaign", "--help"])
    assert "--base-url" in help_text.output and "List-Unsubscribe" in help_text.output


def test_the_portal_greets_by_name_and_shows_an_objection_with_the_channels_off(site: Site) -> None:
    client = site.client()
    portal_login(client, site.reg, DEMO_EMAIL)
    home = client.get("/mine-sider")
    assert "Hei, Kari!" in home.text
    client.post("/mine-sider/innsigelse", data={"csrf": form_token(home.text)})
    after = client.get("/mine-sider").text
    assert 'id="objection"' in after and "(norsk tid)" in after
    boxes = re.findall(r'<input type="checkbox" name="on" value="marketing:\w+" ?(checked)?', after)
    assert boxes and not any(boxes)  # every marketing channel is shown off
    english = client.get("/mine-sider", params={"lang": "en"}).text
    assert "Hello, Kari!" in english and "You objected to direct marketing" in english
