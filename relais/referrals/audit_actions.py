"""What referrals write to the audit trail (relais.audit.registry).

The entries name the referral (its UUID), the organisations' roles and the
fields touched, never personal data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.audit.registry import audit_actions_register


@audit_actions_register
class ReferralAction(models.TextChoices):
    CREATED = "referral_created", _("Referral drafted")
    UPDATED = "referral_updated", _("Referral draft changed")
    CONSENT_RECORDED = "referral_consent_recorded", _("Consent recorded")
    CONSENT_OVERRIDDEN = (
        "referral_consent_overridden",
        _("Referral sent without consent (child or emergency)"),
    )
    CONSENT_WITHDRAWN = "referral_consent_withdrawn", _("Consent withdrawn")
    TRANSITION = "referral_transition", _("Referral status changed")
    PERSONAL_DATA_VIEWED = (
        "referral_personal_data_viewed",
        _("Referral personal data viewed"),
    )
    MESSAGE_SENT = "referral_message_sent", _("Referral message sent")
    DOCUMENT_ADDED = "referral_document_added", _("Referral document added")
    DOCUMENT_DOWNLOADED = (
        "referral_document_downloaded",
        _("Referral document downloaded"),
    )
    DEADLINE_SET = "referral_deadline_set", _("Referral deadline set")
    REMINDED = "referral_reminded", _("Referral reminder sent")
    ESCALATED = "referral_escalated", _("Referral escalated to the coordinator")
    PURGED = "referral_purged", _("Referral personal data deleted")
    EXPORTED = "referral_exported", _("Referral subject-access export")
    HANDED_OVER = (
        "referral_handed_over",
        _("Referral handover file made for an organisation without accounts"),
    )
