"""The policy declaration: controller, purposes, legal bases, categories, recipients, events, retention.

These pydantic models are the single source of the policy's shape: the loader validates files against them,
``personvern schema`` exports them as JSON Schema, and ``docs/policy.md`` documents every field.
Cross-references (a purpose naming an unknown category, ...) are checked in ``policy/validate.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from personvern.policy.datastores import DEFAULT_IDENTIFIERS, Datastore, IdentifierKind
from personvern.policy.retention import Period, Retention, parse_year_end
from personvern.policy.text import Text

Article6 = Literal["a", "b", "c", "d", "e", "f"]
Channel = Literal["email", "sms", "post", "phone"]
Role = Literal["processor", "independent_controller", "joint_controller", "public_authority"]
Safeguard = Literal["adequacy", "scc", "bcr", "derogation"]

# EU/EEA: ISO 3166-1 alpha-2. A recipient outside these needs a transfer safeguard (Art. 44-49, TP11).
EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(_Model):
    street: str
    postcode: str
    city: str
    country: str = "NO"


class Contact(_Model):
    name: str | None = None
    email: EmailStr | None = None
    phone: str | None = None
    address: Address | None = None


class Authority(_Model):
    name: str = "Datatilsynet"
    address: Address = Address(street="Postboks 458 Sentrum", postcode="0105", city="Oslo")
    website: str = "https://www.datatilsynet.no"


class Controller(_Model):
    name: str
    orgnr: str = Field(description="Organisation number: Norwegian orgnr (9 digits) or Swedish (10 digits)")
    country: Literal["NO", "SE"] = "NO"
    address: Address
    email: EmailStr | None = None
    phone: str | None = None
    website: str | None = None
    contact_form: str | None = None
    dpo: Contact | None = None
    representative: Contact | None = None
    joint_controllers: list[str] = Field(default_factory=list)
    supervisory_authority: Authority = Authority()


class PolicyMeta(_Model):
    version: str
    effective: date
    previous: str | None = None


class Consent(_Model):
    """How consent is given and how it is withdrawn (Art. 7(3): as easy as giving)."""

    given: Text
    withdrawn: Text


class LegalBasis(_Model):
    """Art. 6(1) a-f with what each basis needs to be stated."""

    article: Article6
    consent: Consent | None = None  # a
    contract: Text | None = None  # b: which contract
    law: str | None = None  # c: which law and section, e.g. "bokføringsloven § 13"
    statute: str | None = None  # c: key in the statutory catalogue, for checking retention against it
    vital_interests_of: Text | None = None  # d: whose
    public_task: Text | None = None  # e
    interest: Text | None = None  # f: the legitimate interest
    note: Text | None = None


class Marketing(_Model):
    """Direct marketing on declared channels, and which existing-customer exceptions the business uses.

    An existing customer is a subject with a completed purchase (``sale_events``): an address received "in
    connection with a sale" (markedsføringsloven § 15 second paragraph). The relationship, and with it the
    exceptions, ends with an ``ends_with`` event and ``customer_for`` after the last purchase (the period the
    business's own policy promises, which binds it; ../shared/LEGAL.md)."""

    channels: list[Channel] = Field(min_length=0)
    soft_opt_in: bool = Field(
        default=False,
        description="markedsføringsloven § 15 second paragraph: e-mail/SMS to existing customers without consent",
    )
    reserved_existing_customers: list[Literal["phone", "post"]] = Field(
        default_factory=list,
        description="markedsføringsloven § 13 third paragraph: telemarketing (phone) or addressed post to existing "
        "customers reserved in Reservasjonsregisteret, own similar products; never when they reserved with "
        "the business itself")
    sale_events: list[str] = Field(
        default_factory=list, description="events that record a completed purchase (a sale); default: every "
        "declared event named purchase.*")
    customer_for: Period | None = Field(
        default=None, description="how long after the last purchase the customer relationship lasts for "
        "marketing, e.g. '24 months'; required with soft_opt_in or reserved_existing_customers")
    ends_with: list[str] = Field(
        default_factory=list, description="events that end the customer relationship (e.g. "
        "customer.relationship_ended): the exceptions end with them")


Article9 = Literal["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]


class SpecialCondition(_Model):
    """The condition of Art. 9(2) GDPR that lifts the prohibition of Art. 9(1) for the special categories."""

    point: Article9 = Field(description="the point of Art. 9(2): a explicit consent, b employment and social "
                            "security law, c vital interests, d foundation or association, e made public by the "
                            "subject, f legal claims, g substantial public interest, h health or social care, "
                            "i public health, j archiving, research or statistics")
    law: str | None = Field(default=None, description="the Union or Norwegian law the condition rests on "
                            "(points b, g, h, i, j), e.g. 'personopplysningsloven § 6'")
    note: Text | None = Field(default=None, description="anything further, shown in the notice")


class Requirement(_Model):
    """Providing the data is a contract or statutory requirement; ``consequence`` says what happens if not (TP1)."""

    kind: Literal["contract", "statutory", "contract_precondition"] = "contract"
    consequence: Text


class Purpose(_Model):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    description: Text
    legal_basis: LegalBasis
    also_based_on: list[LegalBasis] = Field(default_factory=list)
    categories: list[str] = Field(min_length=1)
    special_categories: list[str] = Field(default_factory=list)
    special_condition: SpecialCondition | None = Field(
        default=None, description="the Art. 9(2) condition for the special categories; required with them")
    subjects: list[str] = Field(min_length=1)
    sources: list[str] = Field(default_factory=lambda: ["subject"])
    retention: Retention | None = None
    marketing: Marketing | None = None
    transactional: bool = Field(default=False, description="service messages, not marketing (TZ7, TP13f)")
    profiling: bool = False
    automated_decision: bool = Field(default=False, description="Art. 22 decision with legal effect (SN3)")
    required: Requirement | None = None
    identifiers: list[IdentifierKind] = Field(
        default_factory=lambda: list(DEFAULT_IDENTIFIERS),
        description="Identifiers this purpose may store; national_id only where clearly needed (TP14, PI4)",
    )
    on_erasure: Literal["delete", "keep", "seal"] = Field(
        default="delete",
        description="On an erasure request: delete; keep restricted to this purpose (legal obligation); "
        "seal (detach from the subject, findable only by order number, TZ4)",
    )
    needed_until: str | None = Field(
        default=None, description="an event before which the data is still needed for the contract: an erasure "
        "request on Art. 17(1)(a) is refused until it has happened (KL6)")
    may_move_to: list[str] = Field(default_factory=list, description="purposes a record may move to with consent")
    systems: list[str] = Field(default_factory=list)
    security: Text | None = None
    dpia: bool | None = None

    @property
    def bases(self) -> list[LegalBasis]:
        """Every legal basis of the purpose: the main one, then ``also_based_on`` (the one home of this list)."""
        return [self.legal_basis, *self.also_based_on]

    @property
    def articles(self) -> set[str]:
        """The Art. 6(1) points the purpose rests on, e.g. ``{"f", "a"}``."""
        return {b.article for b in self.bases}


class Transfer(_Model):
    """A transfer outside the EU/EEA that happens only in some cases, e.g. a processor's support staff reaching the
    data from a third country (TP11). ``countries`` may be empty when the seed names none in advance."""

    when: Text = Field(description="when the transfer happens, e.g. for support and maintenance")
    countries: list[str] = Field(default_factory=list, description="ISO codes, where known in advance")
    safeguards: list[Safeguard] = Field(min_length=1, description="the safeguards it rests on (Art. 45-49)")
    note: Text | None = Field(default=None, description="more about the safeguard; required for a derogation")


class Recipient(_Model):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    role: Role
    purposes: list[str] = Field(min_length=1)
    categories: list[str] = Field(min_length=1)
    country: str = Field(default="NO", pattern=r"^[A-Z]{2}$")
    safeguard: Safeguard | None = None
    safeguard_note: Text | None = None
    agreement: Text | None = Field(default=None, description="the data processing agreement (Art. 28)")
    deletes_on: str | None = Field(default=None, description="event after which the recipient is told to delete (TZ6)")
    condition: Text | None = Field(default=None, description="when data is disclosed, e.g. only when law requires")
    contact: Contact | None = None
    webhook: str | None = None
    transfer: Transfer | None = Field(
        default=None, description="a transfer outside the EU/EEA that happens in some cases only (TP11)")

    @property
    def in_eea(self) -> bool:
        return self.country in EEA


class Label(_Model):
    nb: str
    en: str
    parent: str | None = None


class Calls(_Model):
    """What the business says about phone calls with customer service, read literally: "calls are not recorded"
    (SensorNordic, SN4: "Telefonsamtaler med kundeservice tas ikke opp og lagres ikke") is about the call itself,
    its sound; a short summary the agent types is a record under the purpose like an e-mail's text, not a
    recording. A business that promises no notes either says ``notes: forbidden``."""

    recorded: bool = Field(default=False, description="the sound of calls is recorded (in the business's phone "
                           "system; personvern never stores sound)")
    notes: Literal["allowed", "forbidden"] = Field(
        default="allowed", description="whether an agent may keep a short typed summary of a call "
        "(service.contact.CALL_NOTE_MAX characters), stored under the purpose with its retention")


class Settings(_Model):
    """Settings where the law is unsettled or may change (../shared/LEGAL.md)."""

    accounting_year_end: str = Field(
        default="12-31", pattern=r"^\d\d-\d\d$",
        description="MM-DD the accounting year ends; bokføringsloven § 13 periods count from its end")
    child_age_online_consent: int = Field(default=13, description="personopplysningsloven § 5")
    child_age_marketing_consent: int = Field(default=15, description="Forbrukertilsynet's practice")
    identity_wait_stops_clock: bool = Field(default=False, description="EDPB 01/2022 is unsettled; default off")
    rights_purpose: str | None = Field(
        default=None, description="the purpose under which data-subject requests and identity evidence are kept")
    audit_retention: Retention | None = Field(
        default=None, description="how long audit entries are kept (Art. 5(2)); None keeps them")
    reservation_wash_valid_for: Period = Field(
        default=Period("1 month"), description="phone/post marketing is refused when the last "
        "Reservasjonsregisteret wash is older: at most one calendar month (forskrift 2009-06-05-598)")
    calls: Calls = Field(default=Calls(), description="phone calls: recorded or not, and whether an agent may "
                         "type a short note about one (SN4)")

    @model_validator(mode="after")
    def _checked(self) -> Settings:
        parse_year_end(self.accounting_year_end)
        d = self.reservation_wash_valid_for.delta
        if d.years or d.months > 1 or (d.months == 1 and (d.weeks or d.days)) or (
                not d.months and d.days > 28):
            raise ValueError("reservation_wash_valid_for: a wash is valid for at most one month "
                             "(forskrift 2009-06-05-598 om Reservasjonsregisteret)")
        return self

    @property
    def year_end(self) -> tuple[int, int]:
        return parse_year_end(self.accounting_year_end)


class Commitments(_Model):
    """What the business promises about its data beyond the purposes (SN5, TP12, PI5), stated in the notice."""

    never_sold: bool = Field(default=False, description="the business never sells personal data (SN5, PI5)")
    access: Text | None = Field(default=None, description="who inside the business can reach the data (TP12, PI5)")


class Policy(_Model):
    personvern: Literal[1] = Field(default=1, description="format version of the policy file")
    controller: Controller
    policy: PolicyMeta
    settings: Settings = Settings()
    categories: dict[str, Label] = Field(default_factory=dict, description="custom data categories")
    subjects: dict[str, Label] = Field(default_factory=dict, description="custom data subject kinds")
    sources: dict[str, Label] = Field(default_factory=dict, description="custom sources")
    events: dict[str, Label] = Field(default_factory=dict, description="lifecycle events retention is anchored on")
    purposes: list[Purpose] = Field(min_length=1)
    recipients: list[Recipient] = Field(default_factory=list)
    commitments: Commitments = Field(
        default=Commitments(), description="promises the notice states: never sold, who has access")
    datastores: list[Datastore | str] = Field(
        default_factory=list, description="the business's own databases: inline, or the path of a mapping file "
        "relative to the policy file (personvern.policy.datastores)")

    @model_validator(mode="after")
    def _unique_keys(self) -> Policy:
        for kind, keys in (("purposes", [p.key for p in self.purposes]),
                           ("recipients", [r.key for r in self.recipients])):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"{kind}: duplicate key {', '.join(dupes)}")
        return self

    def purpose(self, key: str) -> Purpose | None:
        return next((p for p in self.purposes if p.key == key), None)

    def recipients_of(self, purpose: str) -> list[Recipient]:
        return [r for r in self.recipients if purpose in r.purposes]
