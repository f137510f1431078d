"""The account page where people make and revoke their personal API tokens."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from relais.core.sessions import recent_authentication_required

from . import selectors, services
from .forms import ApiTokenForm


@require_safe
def token_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": selectors.api_tokens_of(request.user),
            "now": timezone.now(),
            "docs_url": reverse("api:openapi-view"),
        },
    )


@never_cache
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_in_days=form.expires_in_days(),
            request=request,
        )
        # The secret is shown on this answer only: it is stored as a digest.
        return render(request, "api/token_created.html", {"token": token, "raw": raw})
    return render(request, "api/token_new.html", {"form": form})


@require_POST
def token_revoke(request: HttpRequest, token_id: uuid.UUID) -> HttpResponse:
    token = selectors.api_token_of(request.user, token_id)
    if token is None:
        raise Http404(_("No token of yours has this address."))
    services.api_token_revoke(token=token, revoked_by=request.user, request=request)
    messages.success(
        request, _("The token “%(name)s” is revoked.") % {"name": token.name}
    )
    return redirect("api_tokens:list")
