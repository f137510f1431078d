from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from relais.directory.selectors import countries_with_listings


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"countries": countries_with_listings()})


@login_not_required
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: the process answers (no database access)."""
    return HttpResponse("ok", content_type="text/plain")
