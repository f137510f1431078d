from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from relais.accounts import passkeys
from relais.api.api import api_urls
from relais.core import views as core_views
from relais.directory import views as directory_views
from relais.opendata.hsds_api.api import hsds_api_urls
from relais.referrals.api import referrals_api_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", include((api_urls(), "api"))),
    path("healthz", core_views.health_live, name="health"),
    path("healthz/ready", core_views.health_ready, name="health_ready"),
    path("api/hsds/", include((hsds_api_urls(), "hsds"))),
    path("api/referrals/", include((referrals_api_urls(), "referrals_api"))),
]

urlpatterns += i18n_patterns(
    path("", directory_views.home, name="home"),
    path("", include("relais.opendata.urls")),
    path("", include("relais.directory.urls")),
    path("", include("relais.verification.urls")),
    path("knowledge/", include("relais.knowledge.urls")),
    path("referrals/", include("relais.referrals.urls")),
    path("events/", include("relais.events.urls")),
    path("", include("relais.accounts.urls")),
    path("account/api-tokens/", include("relais.api.urls")),
    # Passkey ceremonies, under the namespace django-otp-webauthn's tags reverse.
    path("passkeys/", include((passkeys.urlpatterns, "otp_webauthn"))),
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
