from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "relais.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from relais.search.registry import index_register

        from . import audit_actions  # noqa: F401
        from .search import index_rebuild

        index_register("directory", index_rebuild)
