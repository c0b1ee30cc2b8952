"""The portal's login answers a known and an unknown address with the same work (issue 18: a known address was
answered 1.4–2.2× slower, which told who is a customer).

No timing assertion: the test checks that the answer is made without touching the database on both paths, and
that the lookup and the sending happen in the background task, after the answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from web_api_support import make_api
from web_ui_support import form_token, last_login_link

from personvern.register import Register
from personvern.web import portal

KNOWN = "kari.nordmann@example.no"


def test_known_and_unknown_addresses_get_the_same_answer_from_the_same_work(
        reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    api = make_api(reg)  # has a subject with KNOWN
    held: list[tuple[Any, ...]] = []
    run = portal._link_if_known
    monkeypatch.setattr(portal, "_link_if_known", lambda *args: held.append(args))  # run when the test says
    answers = []
    for email in (KNOWN, "nobody@example.no"):
        api.client.cookies.clear()
        csrf = form_token(api.client.get("/mine-sider/login").text)
        with reg.trace() as statements:
            res = api.client.post("/mine-sider/login", data={"email": email, "csrf": csrf}, follow_redirects=False)
        answers.append((res.status_code, res.headers["location"], res.text, len(statements)))
    assert answers[0] == answers[1] == (303, "/mine-sider/login?sent=1", "", 0)
    assert last_login_link(reg) is None  # nothing was sent while answering
    assert [args[1] for args in held] == [KNOWN, "nobody@example.no"]  # the same task on both paths
    for args in held:
        run(*args)
    assert last_login_link(reg) is not None  # the known address got its link, after the answer
