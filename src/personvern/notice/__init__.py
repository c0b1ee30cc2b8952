"""Generated documents: the privacy notice (Art. 13/14), the record of processing (Art. 30) and policy diffs.

Every document is generated from the same policy declaration the register enforces, so what the notice says
and what the system does cannot drift apart.
"""

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
