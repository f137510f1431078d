from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "relais.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from relais.core.crypto import encrypted_column_register

        from . import audit_actions, receivers  # noqa: F401
        from .models import AuthenticatorApp

        encrypted_column_register(AuthenticatorApp, "key")
