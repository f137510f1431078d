from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "relais.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from .panels import listing_panel_register
        from .verification.views import listing_actions_panel

        listing_panel_register(listing_actions_panel)
