"""E-mails to people, each in the language of their account.

Every e-mail of the platform only says what happened and links to the page
where to see it (DESIGN.md: no personal data in e-mails).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute_url(path: str, request: HttpRequest | None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.RELAIS_SITE_URL}{path}"


def language_of(person: Any) -> str:
    """The language a person is written to in: their account's, else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(person, "language", "") or ""
    return language if language in codes else settings.LANGUAGE_CODE


def mail_each(
    *,
    people: Iterable[Any],
    subject: Any,
    template: str,
    url_name: str,
    url_kwargs: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> int:
    """One e-mail per person (`email`, `language`), in that person's language.

    `subject` is a lazy translation; the template gets `link`, the page at
    `url_name` in the recipient's language. Returns the e-mails sent.
    """
    by_language: dict[str, list[str]] = {}
    for person in people:
        by_language.setdefault(language_of(person), []).append(person.email)
    messages = []
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            path = reverse(url_name, kwargs=dict(url_kwargs or {}))
            link = absolute_url(path, request)
            subject_text = str(subject)
            body = render_to_string(template, {"link": link})
        messages += [(subject_text, body, None, [a]) for a in sorted(set(addresses))]
    return send_mass_mail(messages) if messages else 0
