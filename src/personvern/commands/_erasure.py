"""What the command line shows before and after an erasure — the same for ``personvern erase`` and
``personvern requests complete`` (issue 12: a destructive action shows its full preview and waits for
``--yes``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from personvern.commands._common import say

if TYPE_CHECKING:
    from personvern.register.erasure import Kept
    from personvern.rights import ErasurePreview


def kept_line(kept: Kept) -> str:
    """One kept record: its purpose, what happens to it (sealed, kept, held), the legal ground, until when."""
    return f"  {kept.purpose}: {kept.outcome} — {kept.ground}" + (f", until {kept.until}" if kept.until else "")


def show_preview(pv: ErasurePreview, then: str) -> None:
    """What the erasure would delete (per purpose), seal and keep and why, whether the subject stays, who is
    told (Art. 19); ``then`` says how to carry it out."""
    say(f"would erase {pv.total_erased} records: "
        + (", ".join(f"{k} {n}" for k, n in sorted(pv.erased.items())) or "none"))
    for k in pv.kept:
        say(kept_line(k))
    say("the subject " + ("goes" if pv.subject_removed else "stays identifiable (something is kept)"))
    say("recipients told (Art. 19): " + (", ".join(pv.recipients) or "none"))
    say(then)
