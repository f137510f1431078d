"""Writes for listing verification: owners' proposals and claims, the
coordinator's decisions, reminders (`listings`), and suggested corrections
(`suggestions`).

Every decision is checked against the app's rules (rules.py), written to the
audit trail (one entry per event, without personal data) and told to the
people concerned by an e-mail that only links to the platform.
"""

from .listings import (
    RemindersSent,
    change_request_approve,
    change_request_reject,
    change_request_submit,
    claim_confirm,
    claim_reject,
    claim_submit,
    listing_confirmation_submit,
    verification_reminders_send,
)
from .suggestions import suggestion_answer, suggestion_recipients, suggestion_submit

__all__ = [
    "RemindersSent",
    "change_request_approve",
    "change_request_reject",
    "change_request_submit",
    "claim_confirm",
    "claim_reject",
    "claim_submit",
    "listing_confirmation_submit",
    "suggestion_answer",
    "suggestion_recipients",
    "suggestion_submit",
    "verification_reminders_send",
]
