from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
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


def _value_phrases(number: int) -> dict[tuple[str, str], str]:
    """The value and unit of the shipped legislation records, in the reader's
    language (legislation.json uses only these)."""
    return {
        ("n", "days"): ngettext("%(n)d day", "%(n)d days", number),
        ("n", "days (minimum)"): ngettext(
            "at least %(n)d day", "at least %(n)d days", number
        ),
        ("n", "days (maximum)"): ngettext(
            "at most %(n)d day", "at most %(n)d days", number
        ),
        ("n", "months (minimum)"): ngettext(
            "at least %(n)d month", "at least %(n)d months", number
        ),
        ("formal", ""): _("formal (set out in law or an official procedure)"),
    }


@register.simple_tag
def provision_value(provision: Any) -> dict[str, Any]:
    """A provision's value with its unit ("90 days (minimum)") in the reader's
    language; a value or unit the vocabulary does not know stays as written,
    in English (`language` "en")."""
    value = (provision.value or "").strip()
    unit = (provision.value_unit or "").strip()
    number = int(value) if value.isdigit() else 0
    key = ("n" if value.isdigit() else value, unit)
    phrase = _value_phrases(number).get(key)
    if phrase is not None:
        return {"text": phrase % {"n": number}, "language": None}
    return {"text": f"{value} {unit}".strip(), "language": "en"}
