"""Consent per purpose and channel (Art. 7), the contact decision, suppression and Reservasjonsregisteret.

    from personvern.consent import give, withdraw, may_contact, object_to_marketing, campaign

    give(reg, ref, "marketing", channel="email", method="web_form", text=shown)
    may_contact(reg, ref, "marketing", "sms")        # Decision(allowed=False, code='no_consent', ...)
    object_to_marketing(reg, ref, by="subject")     # TP13e, KL7: every marketing channel stops at once
    campaign(reg, "marketing", "phone").counts       # {'legitimate_interest': 812_331, 'reservasjonsregisteret': ...}
"""

from personvern.consent._rows import withdraw_as_before
from personvern.consent.campaign import CampaignResult, campaign, iter_allowed
from personvern.consent.decision import Decision, may_contact
from personvern.consent.ledger import ConsentEvent, ConsentState, current, give, history, withdraw
from personvern.consent.reservations import ReservationFileError, WashReport, import_reservations
from personvern.consent.rules import CODES, permitted_calling_time
from personvern.consent.suppression import (
    ObjectionResult,
    is_suppressed,
    object_to_marketing,
    suppress,
    suppress_subject,
)

__all__ = [
    "CODES",
    "CampaignResult",
    "ConsentEvent",
    "ConsentState",
    "Decision",
    "ObjectionResult",
    "ReservationFileError",
    "WashReport",
    "campaign",
    "current",
    "give",
    "history",
    "import_reservations",
    "is_suppressed",
    "iter_allowed",
    "may_contact",
    "object_to_marketing",
    "permitted_calling_time",
    "suppress",
    "suppress_subject",
    "withdraw",
    "withdraw_as_before",
]
