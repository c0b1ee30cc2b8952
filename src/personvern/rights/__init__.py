"""Data-subject rights (Art. 15-21): requests with deadlines, access, rectification, erasure, restriction,
objection, portability; notices to recipients (Art. 19)."""
