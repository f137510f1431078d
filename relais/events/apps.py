from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "relais.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from relais.core.retention import retention_purge_register

        from . import audit_actions  # noqa: F401
        from .services import participants_purge, unconfirmed_registrations_purge

        retention_purge_register("event participants", participants_purge)
        retention_purge_register(
            "unconfirmed event registrations", unconfirmed_registrations_purge
        )
