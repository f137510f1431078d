"""What listing verification writes to the audit trail (relais.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.audit.registry import audit_actions_register


@audit_actions_register
class VerificationAction(models.TextChoices):
    LISTING_CHANGE_PROPOSED = "listing_change_proposed", _("Listing change proposed")
    LISTING_CHANGE_APPROVED = "listing_change_approved", _("Listing change approved")
    LISTING_CHANGE_REJECTED = "listing_change_rejected", _("Listing change rejected")
    LISTING_CLAIMED = "listing_claimed", _("Listing claimed")
    LISTING_CLAIM_CONFIRMED = "listing_claim_confirmed", _("Listing claim confirmed")
    LISTING_CLAIM_REJECTED = "listing_claim_rejected", _("Listing claim rejected")
    CORRECTION_SUGGESTED = (
        "listing_correction_suggested",
        _("Listing correction suggested"),
    )
    CORRECTION_ANSWERED = (
        "listing_correction_answered",
        _("Suggested listing correction answered"),
    )
