from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


@login_not_required
@require_safe
def health_live(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process answers (no database access)."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@never_cache
@require_safe
def health_ready(request: HttpRequest) -> JsonResponse:
    """For monitoring: database, cache, migrations, disk and scheduled jobs.

    200 when every check passes, 503 naming the failed ones. A few queries
    and a cache round trip; the migrations are read once per process.
    """
    checks = health.readiness()
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "failing",
            "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )
