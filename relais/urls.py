from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from relais.core import views as core_views
from relais.directory import api as directory_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/search", directory_api.search_json, name="api_search"),
    path("healthz", core_views.health, name="health"),
]

urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("", include("relais.directory.urls")),
    path("", include("relais.accounts.urls")),
    # The administration signs in through the Relais sign-in, with its second factor.
    path(
        "admin/login/",
        login_not_required(
            RedirectView.as_view(pattern_name="accounts:login", query_string=True)
        ),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
)
