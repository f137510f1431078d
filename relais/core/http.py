"""Facts about the HTTP request that every app reads the same way."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as the proxy in front of the application saw it."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip() or address
    return address
