from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "relais.verification"
    label = "verification"
    verbose_name = _("Verification")

    def ready(self) -> None:
        from relais.core.retention import retention_purge_register
        from relais.directory.panels import listing_panel_register

        from . import audit_actions  # noqa: F401
        from .views import listing_actions_panel, listing_suggestions_panel

        listing_panel_register(listing_actions_panel)
        listing_panel_register(listing_suggestions_panel)

        from .services.suggestions import suggestions_purge

        retention_purge_register("correction suggestions", suggestions_purge)
