"""Every error personvern raises on purpose.

    PersonvernError
    ├── PolicyError                 a policy file is invalid (carries problems with file:line: field: message)
    ├── RegisterError               a write or read the register refuses
    │   ├── InvalidIdentifier       an e-mail, phone, national id ... that does not validate (field, why)
    │   ├── UnknownPurpose          the purpose is not declared in the policy
    │   ├── CategoryNotAllowed      a category outside the purpose's declared categories
    │   ├── ConsentRequired         a consent-based purpose without a valid consent (Art. 6(1)(a), Art. 7)
    │   ├── NationalIdNotAllowed    national id under a purpose that does not collect it (TP14, PI4)
    │   ├── RestrictedProcessing    use of restricted data beyond Art. 18(2) (TP13d)
    │   ├── StateConflict           valid, but not from the state it is in (a closed request, a lifted hold)
    │   ├── Forbidden               not allowed at all as things stand (an unverified requester, Art. 12(6))
    │   │   └── MoveRefused         a record may not move to that purpose, or the subject not become that kind
    │   ├── NotFound                no such subject, record or hold
    │   └── ImportError_            a bad row in an import file (line, reason)
    ├── DatastoreError              a business database refused, or its mapping does not fit it (issue 16)
    ├── CryptoError                 a key is missing, wrong or shredded
    └── AuditChainBroken            the audit trail does not verify (which entry, how)

The web layer maps these to HTTP statuses in one place; nothing below `web/` raises HTTP errors.
"""

from __future__ import annotations

from dataclasses import dataclass


class PersonvernError(Exception):
    """Base of every error personvern raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in a policy file, printed as ``file:line: field.path: message``."""

    file: str
    line: int | None
    field: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {self.field}: {prefix}{self.message}"


class PolicyError(PersonvernError):
    """A policy file is invalid. ``problems`` lists every error found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class RegisterError(PersonvernError):
    """The register refused an operation. ``field`` names the input at fault when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class InvalidIdentifier(RegisterError):
    """An identifier did not validate; the message says which field and why."""


class UnknownPurpose(RegisterError):
    """The purpose is not declared in the active policy."""


class CategoryNotAllowed(RegisterError):
    """A record names a category its purpose does not collect."""


class ConsentRequired(RegisterError):
    """A write under a consent-based purpose without a valid, unwithdrawn consent."""


class NationalIdNotAllowed(RegisterError):
    """A national identity number offered under a purpose that does not declare it (TP14, PI4)."""


class RestrictedProcessing(RegisterError):
    """Use of restricted data for anything but storage, legal claims, others' rights or consent (Art. 18(2))."""


class StateConflict(RegisterError):
    """The input is valid, but the state of the request or data does not allow it now (HTTP 409): a request
    already closed or extended, a hold already lifted, a contract that still needs the data."""


class Forbidden(RegisterError):
    """The action is not allowed as things stand (HTTP 403): acting on a request whose requester's identity is
    not verified (Art. 12(6)), or verifying a request as another subject's."""


class MoveRefused(Forbidden):
    """A record may not move to another purpose (not in ``may_move_to``), or the subject may not become the kind
    asked for; the message says which rule refused (issue 14 item 5)."""


class NotFound(RegisterError):
    """No such subject, record, hold or event."""


class ImportRowError(RegisterError):
    """A row of an import file was refused; ``line`` is its line number in the file."""

    def __init__(self, message: str, *, line: int, field: str | None = None) -> None:
        self.line = line
        super().__init__(message, field=field)


class CryptoError(PersonvernError):
    """A key is missing, wrong, or has been shredded."""


class AuditChainBroken(PersonvernError):
    """The audit trail failed verification; the message says which entry and how."""


class DatastoreError(PersonvernError):
    """A business database (a mapped datastore) refused an operation, or its mapping does not fit it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)
