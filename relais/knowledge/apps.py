from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "relais.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from relais.directory.search.index import OTHER_INDEXES

        from .search import index_rebuild

        OTHER_INDEXES["knowledge"] = index_rebuild
