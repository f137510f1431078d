"""What every referral page shares: who may look, no caching, errors into forms."""

from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from .. import selectors
from ..models import Referral

NO_STORE = "no-store, private"


def professional_or_403(request: HttpRequest) -> None:
    if not rules.has_perm("referrals.use", request.user):
        raise PermissionDenied


def referral_or_404(request: HttpRequest, pk: Any) -> Referral:
    professional_or_403(request)
    referral = selectors.referral_get(request.user, pk)
    if referral is None:
        raise Http404
    return referral


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


def errors_into(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for text in error.messages:
            form.add_error(None, text)
