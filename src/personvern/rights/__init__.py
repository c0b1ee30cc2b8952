"""Data-subject rights (Art. 15-21): requests with deadlines, access, rectification, erasure, restriction,
objection, portability; notices to recipients (Art. 19); what the subject is told (Art. 12).

The one public entry per action — every interface (console, request desk, REST API, CLI, portal, jobs,
datastores) calls these, never the register's row-level primitives:

    erase(reg, request_ref, ground="a", by="po")            # a verified erasure request (Art. 17)
    erase_subject(reg, subject, ground="d", by="po")        # staff-initiated: a 'staff' request, same steps
    preview_erasure(reg, subject)                           # what it would delete, seal, keep, tell
    restrict(reg, request_ref, ground=..., reason=..., by=...) / restrict_subject(reg, subject, ...)  (Art. 18)
    object_to(reg, request_ref, purpose=None, by=...) / object_for_subject(reg, subject, ...)          (Art. 21)
    decide_objection(reg, request_ref, upheld, reason, by=...)
    rectify(reg, request_ref, {record_id: {category: value}}, by=...)                                 (Art. 16)
    answer_access(reg, request_ref, by=...), answer_portability(reg, request_ref, by=...)         (Art. 15, 20)
    replay_erasures(reg, since=..., entries=read_ledger(path))     # after restoring a backup
"""

from personvern.rights.erasure import ERASURE_GROUNDS, ErasurePreview, erase, erase_subject, preview_erasure
from personvern.rights.handle import (
    RESTRICTION_GROUNDS,
    answer_access,
    answer_portability,
    decide_objection,
    lift_restriction,
    object_for_subject,
    object_to,
    rectify,
    restrict,
    restrict_subject,
)
from personvern.rights.replay import replay_erasures

__all__ = [
    "ERASURE_GROUNDS",
    "RESTRICTION_GROUNDS",
    "ErasurePreview",
    "answer_access",
    "answer_portability",
    "decide_objection",
    "erase",
    "erase_subject",
    "lift_restriction",
    "object_for_subject",
    "object_to",
    "preview_erasure",
    "rectify",
    "replay_erasures",
    "restrict",
    "restrict_subject",
]
