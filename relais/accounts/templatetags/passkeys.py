"""Script tags of django-otp-webauthn, as Relais' Content-Security-Policy allows.

The library's own tags put its configuration in an inline JSON <script>; these
put it in a hidden element instead (its scripts read the text of the element
with that id either way) and give every script the page's nonce.
"""

import json
from typing import Any

from django import template
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration

register = template.Library()


def _context(context: Any, script: str) -> dict[str, Any]:
    request = context["request"]
    return {
        "request": request,
        "configuration": json.dumps(get_configuration(request)),
        "script": script,
        "reload_after_registration": script.endswith("register.js"),
    }


@register.inclusion_tag("accounts/_passkey_scripts.html", takes_context=True)
def passkey_register_scripts(context: Any) -> dict[str, Any]:
    return _context(context, "django_otp_webauthn/otp_webauthn_register.js")


@register.inclusion_tag("accounts/_passkey_scripts.html", takes_context=True)
def passkey_sign_in_scripts(context: Any) -> dict[str, Any]:
    return _context(context, "django_otp_webauthn/otp_webauthn_auth.js")
