"""Generated documents: the privacy notice (Art. 13/14), the record of processing (Art. 30) and policy diffs.

Every document is generated from the same policy declaration the register enforces, so what the notice says
and what the system does cannot drift apart.

The names below are loaded on first use (PEP 562): the register copy and the outcome mails need only
``wording``, and importing the notice renderer pulls in Jinja2 — about 8 MB in every worker process (issue 13).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from personvern.notice.diff import Change, PolicyDiff, diff_policies
    from personvern.notice.privacy_notice import render_notice
    from personvern.notice.ropa import render_ropa
    from personvern.notice.wording import describe_basis, describe_retention

__all__ = [
    "Change",
    "PolicyDiff",
    "describe_basis",
    "describe_retention",
    "diff_policies",
    "render_notice",
    "render_ropa",
]

_HOME = {"Change": "diff", "PolicyDiff": "diff", "diff_policies": "diff", "render_notice": "privacy_notice",
         "render_ropa": "ropa", "describe_basis": "wording", "describe_retention": "wording"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'personvern.notice' has no attribute {name!r}")
    value = getattr(import_module(f"personvern.notice.{_HOME[name]}"), name)
    globals()[name] = value
    return value
