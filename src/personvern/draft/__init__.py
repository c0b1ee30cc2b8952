"""Draft a policy file from a privacy notice in prose, every item traced to the sentence it came from."""

from personvern.draft._text import Notice, NoticeError, read_notice
from personvern.draft.compare import Difference, compare
from personvern.draft.extract import draft_from, draft_notice
from personvern.draft.measure import Figures, measure
from personvern.draft.render import render

__all__ = [
    "Difference",
    "Figures",
    "Notice",
    "NoticeError",
    "compare",
    "draft_from",
    "draft_notice",
    "measure",
    "read_notice",
    "render",
]
