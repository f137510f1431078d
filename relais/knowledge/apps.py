from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "relais.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from relais.search.registry import index_register

        from .search import index_rebuild

        index_register("knowledge", index_rebuild)
