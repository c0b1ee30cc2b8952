"""``personvern draft``: a policy file drafted from a privacy notice in prose, or the notice compared with a policy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from personvern.commands._common import err, fail, say
from personvern.errors import PersonvernError


class Lang(StrEnum):
    nb = "nb"
    en = "en"


def draft(
    notice: Annotated[Path, typer.Argument(help="the privacy notice: plain text, Markdown, HTML or PDF")],
    lang: Annotated[Lang, typer.Option("--lang", help="language of the notice")] = Lang.nb,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write the policy to FILE, not stdout")]
    = None,
    compare: Annotated[Path | None, typer.Option("--compare", help="compare the notice with this policy file "
                                                 "instead of drafting")] = None,
) -> None:
    """Draft a policy file from a privacy notice, every item traced to its sentence; open points are TODOs.

    With --compare POLICY: what the notice says that the policy does not enforce, and what the policy enforces
    that the notice never mentions.
    """
    from personvern.draft import draft_notice, render
    from personvern.draft.compare import compare as compare_files

    try:
        if compare is not None:
            diffs = compare_files(compare, notice, lang.value)
            for d in diffs:
                side = "notice only" if d.side == "notice" else "policy only"
                note = f"\n    explained in the policy: {d.explained}" if d.explained else ""
                say(f"{side}: {d.what} ({d.where}){note}")
            unexplained = sum(1 for d in diffs if not d.explained)
            say(f"{len(diffs)} differences, {unexplained} not explained in the policy")
            return
        text = render(draft_notice(notice, lang.value))
    except PersonvernError as exc:
        fail(str(exc))
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    todos = text.count("{todo:")
    err.print(f"wrote {output}: {todos} TODOs to answer; then run `personvern check --strict {output}`",
              markup=False, highlight=False, soft_wrap=True)
