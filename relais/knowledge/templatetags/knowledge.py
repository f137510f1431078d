from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from relais.core.languages import language_name, translated_field
from relais.knowledge.markdown import markdown_to_html
from relais.knowledge.models import RightTopic

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """The localised name of a country code (EU included)."""
    return str(countries.name(code)) or code


@register.filter
def markdown(text: str) -> SafeString:
    return markdown_to_html(text)


@register.simple_tag
def knowledge_text(obj: Any, field: str) -> dict[str, Any]:
    """A knowledge text in the reader's language, or in English with a note.

    English is the source of every knowledge text: any other language is a
    translation, which is not legally binding (`translation` is then True).
    `language` is always set when there is a text, so the element carries
    lang="en" when the English stands in for a missing translation.
    """
    text, language = translated_field(obj, field)
    reader = get_language() or settings.LANGUAGE_CODE
    note = None
    if text and language != reader:
        note = _(
            "This text is in %(language)s; no translation into your language yet."
        ) % {"language": language_name(language or "")}
    return {
        "text": text,
        "language": language,
        "note": note,
        "translation": bool(text) and language not in (None, "en"),
    }


@register.filter
def right_topic_label(topic: str) -> str:
    """The label of a rights-matrix row in the active language."""
    try:
        return str(RightTopic(topic).label)
    except ValueError:
        return topic


@register.filter
def service_names(contact: Any) -> list[str]:
    """The names of a navigator contact's services in the active language."""
    if contact.services and not isinstance(contact.services[0], str):
        return [translated_field(service, "name")[0] for service in contact.services]
    chosen = set(contact.services)
    codes = [code for code, _name in settings.LANGUAGES]
    names = [
        translated_field(service, "name")[0]
        for service in contact.organization.services.all()
        if service.name in chosen
        or any(getattr(service, f"name_{c}", None) in chosen for c in codes)
    ]
    return names or list(contact.services)


@register.filter
def language_names(codes: list[str]) -> list[str]:
    """Language codes as names in the active language."""
    return [language_name(code) for code in codes]


@register.filter
def language_label(code: str) -> str:
    """A language code as its name in the active language."""
    return language_name(code)


@register.filter
def reviewer(name: str) -> str:
    """Who reviewed a rights cell, the loader's own label in the active language."""
    from relais.knowledge.services import REFERENCE_REVIEWER

    if name == REFERENCE_REVIEWER:
        return _("Relais reference compilation (public sources)")
    return name
