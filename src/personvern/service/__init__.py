"""Customer service: lookup, profile, contact log, cases, alarm contacts, policy-change notices (issue 6).

The staff console and the API call these functions with the agent's name and the purpose they act for;
each refuses bad input with a RegisterError naming the field, and writes its action to the audit trail.
"""

from personvern.service.alarm import AlarmContactView, add_alarm_contact, alarm_contacts, record_training
from personvern.service.cases import CaseView, cases, close_case, open_case
from personvern.service.contact import ContactView, contacts, log_contact
from personvern.service.lookup import Profile, ProfileSummary, detect_kinds, lookup, profile
from personvern.service.policy_change import PolicyActivation, activate_policy

__all__ = [
    "AlarmContactView",
    "CaseView",
    "ContactView",
    "PolicyActivation",
    "Profile",
    "ProfileSummary",
    "activate_policy",
    "add_alarm_contact",
    "alarm_contacts",
    "cases",
    "close_case",
    "contacts",
    "detect_kinds",
    "log_contact",
    "lookup",
    "open_case",
    "profile",
    "record_training",
]
