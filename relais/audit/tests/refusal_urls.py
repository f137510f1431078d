"""A view that refuses every request, for the refusal audit tests."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path


def refuse(request: HttpRequest, slug: str) -> HttpResponse:
    raise PermissionDenied


def missing(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=404)


urlpatterns = [
    path("forbidden/<slug:slug>/", refuse, name="refuse"),
    path("missing/", missing, name="missing"),
]
