"""Referral pages: thin views over selectors (who may see) and services (writes).

A referral the viewer may not see answers 404, whatever the reason (a forged
id, another organisation's case): its existence is not confirmed either.
"""

from .case import (
    document_download,
    referral_deadline,
    referral_detail,
    referral_erase,
    referral_message,
    referral_readers,
    referral_transition,
)
from .drafting import (
    referral_consent,
    referral_consent_withdraw,
    referral_create,
    referral_edit,
    referral_list,
)
from .exports import (
    calendar_feed,
    calendar_settings,
    consent_form,
    listing_referral_panel,
    referral_export,
    referral_handover,
    statistics,
)

__all__ = [
    "calendar_feed",
    "calendar_settings",
    "consent_form",
    "document_download",
    "listing_referral_panel",
    "referral_consent",
    "referral_consent_withdraw",
    "referral_create",
    "referral_deadline",
    "referral_detail",
    "referral_edit",
    "referral_erase",
    "referral_export",
    "referral_handover",
    "referral_list",
    "referral_message",
    "referral_readers",
    "referral_transition",
    "statistics",
]
