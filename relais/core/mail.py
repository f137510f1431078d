"""E-mails to people, each in the language of their account.

Every e-mail of the platform only says what happened and links to the page
where to see it (DESIGN.md: no personal data in e-mails).
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from functools import wraps
from smtplib import SMTPException
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What a mail server that refuses, or does not answer, raises.
MAIL_ERRORS = (SMTPException, OSError)

F = TypeVar("F", bound=Callable[..., Any])
_later: ContextVar[list[Callable[[], object]] | None] = ContextVar(
    "relais_mail_later", default=None
)


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


def atomic_then_mail(func: F) -> F:
    """`transaction.atomic`, then the e-mails queued inside with `mail_later`.

    They go once the function's transaction is over, so that an e-mail never
    announces what was rolled back and a slow mail server never holds the
    database's locks; a mail server that refuses is logged, never raised, so
    that a lost notice never undoes (or turns into an error page) what it
    announces: the pages show it either way.
    """
    in_transaction = transaction.atomic(func)

    @wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        pending: list[Callable[[], object]] = []
        token = _later.set(pending)
        try:
            result = in_transaction(*args, **kwargs)
        finally:
            _later.reset(token)
        for send in pending:
            try:
                send()
            except MAIL_ERRORS:
                logger.warning("An e-mail notice was not sent", exc_info=True)
        return result

    return wrapped  # type: ignore[return-value]


def mail_later(send: Callable[[], object]) -> None:
    """Queue `send` until the enclosing `atomic_then_mail` function is done."""
    pending = _later.get()
    if pending is None:
        raise RuntimeError("mail_later() is only for atomic_then_mail functions")
    pending.append(send)


def mail_refused() -> ValidationError:
    """The error of an action that cannot be done without its e-mail."""
    return ValidationError(
        _(
            "The e-mail could not be sent: the mail server did not answer. "
            "Nothing was changed; please try again later."
        ),
        code="mail_refused",
    )
