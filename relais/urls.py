from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from relais.core import views as core_views
from relais.directory import api as directory_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/search", directory_api.search_json, name="api_search"),
    path("healthz", core_views.health, name="health"),
]

urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("", include("relais.directory.urls")),
    path("knowledge/", include("relais.knowledge.urls")),
    path("admin/", admin.site.urls),
)
