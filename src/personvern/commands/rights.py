"""``personvern erase`` and ``personvern restrict``: a staff-initiated erasure or restriction from the command
line, through the same entry as every other interface (``personvern.rights``; issue 12).

    personvern erase <subject-ref> --ground d --by po            # prints the preview; nothing is done
    personvern erase <subject-ref> --ground d --by po --yes      # erases, and prints what was kept and why
    personvern restrict <subject-ref> --ground accuracy --reason "..." --by po
"""

from __future__ import annotations

from typing import Annotated

import typer

from personvern.commands._common import DbOpt, PolicyOpt, fail, register, say
from personvern.commands._erasure import kept_line, show_preview
from personvern.commands.requests import RESTRICTION_GROUNDS
from personvern.errors import PersonvernError

ByOpt = Annotated[str, typer.Option("--by", help="who does this (staff username)")]


def erase(policy: PolicyOpt, subject: Annotated[str, typer.Argument(help="the subject's reference")], by: ByOpt,
          ground: Annotated[str, typer.Option(help="the Art. 17(1) ground: a-f (required, no default)")],
          db: DbOpt = None,
          age: Annotated[int | None, typer.Option(help="ground f: the age when the data was collected")] = None,
          yes: Annotated[bool, typer.Option("--yes", help="carry it out (without: only the preview)")] = False,
          ) -> None:
    """Erase a subject on the officer's initiative (Art. 17): recorded as a request with channel 'staff'."""
    with register(policy, db, actor=by) as reg:
        from personvern import rights

        try:
            if not yes:
                show_preview(rights.preview_erasure(reg, subject), "run again with --yes to erase")
                return
            result = rights.erase_subject(reg, subject, ground=ground, by=by, age_at_collection=age)
        except PersonvernError as exc:
            fail(str(exc))
    say(f"erased {sum(result.erased.values())} records (request {result.request})")
    for k in result.kept:
        say(kept_line(k))
    say("the subject is gone" if result.subject_removed else "the subject stays: something is kept")


def restrict(policy: PolicyOpt, subject: Annotated[str, typer.Argument(help="the subject's reference")], by: ByOpt,
             ground: Annotated[str, typer.Option(help=", ".join(RESTRICTION_GROUNDS))],
             reason: Annotated[str, typer.Option(help="why (the subject may be told)")], db: DbOpt = None) -> None:
    """Restrict a subject's processing on the officer's initiative (Art. 18(1)); recipients are told."""
    with register(policy, db, actor=by) as reg:
        try:
            from personvern import rights

            view = rights.restrict_subject(reg, subject, ground=ground, reason=reason, by=by)
        except PersonvernError as exc:
            fail(str(exc))
    say(f"restricted (request {view.ref}); recipients told: {view.details.get('recipients_notified', 0)}")


def mount(app: typer.Typer) -> None:
    app.command("erase")(erase)
    app.command("restrict")(restrict)
