from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "relais.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from relais.core.crypto import encrypted_column_register
        from relais.core.retention import retention_purge_register
        from relais.directory.panels import listing_panel_register

        from . import audit_actions  # noqa: F401
        from .models import Consent, Document, Message, Referral, TimelineEntry
        from .services import referrals_purge
        from .views import listing_referral_panel

        for model, field in [
            (Referral, "case_code_encrypted"),
            (Referral, "person_encrypted"),
            (Consent, "override_reason_encrypted"),
            (Message, "body_encrypted"),
            (Document, "name_encrypted"),
            (Document, "content_encrypted"),
            (TimelineEntry, "note_encrypted"),
        ]:
            encrypted_column_register(model, field)
        retention_purge_register("referrals", lambda: referrals_purge())
        listing_panel_register(listing_referral_panel)
