from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: the process answers (no database access)."""
    return HttpResponse("ok", content_type="text/plain")
