from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "relais.api"
    label = "relais_api"
    verbose_name = _("Relais API")

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
