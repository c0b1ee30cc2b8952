"""The dates README.md and docs/policy.md state are the dates the code computes (issue 14 item 13): the
README's Python tour is run as written, and every row of docs/policy.md's table of due dates is computed."""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path

import pytest

from personvern.errors import NotFound
from personvern.policy.retention import Facts, Retention, retention_end

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_tour_keeps_the_receipt_through_2031_and_sweeps_it_on_1_january_2032(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bokføringsloven § 13: five years after the end of the accounting year 2026 end with 31 December 2031."""
    block = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    assert block is not None
    code = block[1].replace("sqlite:///personvern.db", f"sqlite:///{tmp_path / 'tour.db'}")
    code = code.replace('"examples/policies/', f'"{ROOT}/examples/policies/')
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
    before, marker, after = code.partition("reg.sweep(as_of=date(2032, 1, 1))")
    assert marker, "the README's tour no longer sweeps on 2032-01-01"
    scope: dict[str, object] = {}
    exec(before, scope)  # the README's own example, as documented
    reg = scope["reg"]
    assert reg.find_sealed("5521"), "the README says the receipt is still kept on 2031-12-31"  # type: ignore[attr-defined]
    exec(marker + after, scope)
    with pytest.raises(NotFound):  # swept: no sealed record with that order number any more
        reg.find_sealed("5521")  # type: ignore[attr-defined]
    reg.close()  # type: ignore[attr-defined]


def _table_rows() -> list[tuple[str, str, str, str]]:
    doc = (ROOT / "docs" / "policy.md").read_text()
    table = doc.split("| rule | anchor | period ends (inclusive) | due (`retention_until`) |", 1)[1]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append(tuple(cell.strip() for cell in line.strip("|").split("|")))
    return rows  # type: ignore[return-value]


ROWS = _table_rows()


def test_the_table_is_found() -> None:
    assert len(ROWS) >= 8


@pytest.mark.parametrize("index", range(len(ROWS)))
def test_each_documented_due_date_is_what_the_code_computes(index: int) -> None:
    rule_text, year_end = "", (12, 31)
    for cells in ROWS[: index + 1]:  # "the same" rows reuse the rule above them
        rule_cell = cells[0]
        if not rule_cell.startswith("the same"):
            rule_text = re.findall(r"`([^`]+)`", rule_cell)[0]
            year_end = (12, 31)
        else:
            m = re.search(r'accounting_year_end: "(\d\d)-(\d\d)"', rule_cell)
            assert m
            year_end = (int(m[1]), int(m[2]))
    _rule, anchor_cell, _ends, due_cell = ROWS[index]
    anchor = date.fromisoformat(re.findall(r"\d{4}-\d\d-\d\d", anchor_cell)[0])
    due = date.fromisoformat(re.findall(r"\d{4}-\d\d-\d\d", due_cell)[0])
    rule = Retention.model_validate(rule_text)
    event = re.findall(r"(?:after|until) (?:end of year of )?([\w.]+)", rule_text)[0]
    events = {} if event == "collection" else {event: anchor}
    assert retention_end(rule, Facts(anchor, events, None, year_end)) == due, ROWS[index]
