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
from personvern.commands.requests import RESTRICTION_GROUNDS
from personvern.errors import PersonvernError

ByOpt = Annotated[str, typer.Option("--by", help="who does this (staff username)")]


def _kept_line(k: object) -> str:
    kept = k  # a register.Kept
    until = getattr(kept, "until", None)
    return (f"  {getattr(kept, 'purpose', '')}: {getattr(kept, 'outcome', '')} — {getattr(kept, 'ground', '')}"
            + (f", until {until}" if until else ""))


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
                pv = rights.preview_erasure(reg, subject)
                say(f"would erase {pv.total_erased} records: "
                    + (", ".join(f"{k} {n}" for k, n in sorted(pv.erased.items())) or "none"))
                for k in pv.kept:
                    say(_kept_line(k))
                say("the subject " + ("goes" if pv.subject_removed else "stays identifiable (something is kept)"))
                say("recipients told (Art. 19): " + (", ".join(pv.recipients) or "none"))
                say("run again with --yes to erase")
                return
            result = rights.erase_subject(reg, subject, ground=ground, by=by, age_at_collection=age)
        except PersonvernError as exc:
            fail(str(exc))
    say(f"erased {sum(result.erased.values())} records (request {result.request})")
    for k in result.kept:
        say(_kept_line(k))
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
