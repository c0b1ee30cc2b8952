"""A small shop policy written for the legal tests: its rules are the statute's words, set in YAML here, so
the tests do not lean on the example policies or on the code's own tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from personvern.register import MasterKey, Register

HEAD = """\
personvern: 1
controller:
  name: Lovtest AS
  orgnr: "923456783"
  address: {street: "Storgata 1", postcode: "0155", city: "Oslo"}
policy: {version: "1", effective: 2026-01-01}
"""


@pytest.fixture
def shop_policy(tmp_path: Path, db_url: str, clock: object) -> Iterator[Callable[[str], Register]]:
    """``open_shop(body)``: a register for HEAD + body (settings, events, purposes in YAML)."""
    opened: list[Register] = []

    def _open(body: str) -> Register:
        path = tmp_path / f"policy{len(opened)}.yaml"
        path.write_text(HEAD + body, encoding="utf-8")
        reg = Register.open(path, db_url, master_key=MasterKey(bytes(range(32))), clock=clock)  # type: ignore[arg-type]
        opened.append(reg)
        return reg

    yield _open
    for reg in opened:
        reg.close()
