"""Writes for referrals: drafting, consent, the workflow, messages, deadlines,
reminders and the retention purge.

Every write is checked against rules.py, locks the referral row, refuses an
update made on an older version (nothing is overwritten), appends to the
shared timeline and to the audit trail (without personal data), and tells
the other organisation by an e-mail that only links to the platform.
"""

from .base import actor_side, case_code_hash, case_code_new, case_code_normalise
from .drafting import (
    consent_in_force,
    referral_consent_record,
    referral_consent_withdraw,
    referral_create,
    referral_update,
)
from .exchange import (
    calendar_feed_for,
    country_time_zone,
    referral_deadline_set,
    referral_message_send,
    referral_personal_data_read,
)
from .jobs import (
    referral_erase,
    referral_export_record,
    referral_handover_record,
    referral_reminders_send,
    referral_retention_cutoff,
    referrals_purge,
)
from .workflow import (
    TRANSITIONS,
    Transition,
    answer_due,
    referral_transition,
    transitions_allowed,
)

__all__ = [
    "TRANSITIONS",
    "Transition",
    "actor_side",
    "answer_due",
    "calendar_feed_for",
    "case_code_hash",
    "case_code_new",
    "case_code_normalise",
    "consent_in_force",
    "country_time_zone",
    "referral_consent_record",
    "referral_consent_withdraw",
    "referral_create",
    "referral_deadline_set",
    "referral_erase",
    "referral_export_record",
    "referral_handover_record",
    "referral_message_send",
    "referral_personal_data_read",
    "referral_reminders_send",
    "referral_retention_cutoff",
    "referral_transition",
    "referral_update",
    "referrals_purge",
    "transitions_allowed",
]
