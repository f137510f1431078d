from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "relais.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
