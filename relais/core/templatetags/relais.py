from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from relais.core.languages import language_name, translated_field
from relais.core.typography import colon as language_colon
from relais.core.typography import semicolon as language_semicolon

register = template.Library()


@register.simple_tag
def translated(obj: Any, field: str) -> dict[str, str | None]:
    """A multilingual field in the reader's language, or another with a note."""
    text, language = translated_field(obj, field)
    note = None
    if text and language != get_language():
        note = _(
            "This text is in %(language)s; no translation into your language yet."
        ) % {"language": language_name(language or "")}
    return {"text": text, "language": language, "note": note}


@register.simple_tag
def colon() -> str:
    """The colon after a label, as the reader's language writes it: "Adresse :"
    with a no-break space in French. For colons outside translated messages."""
    return language_colon()


@register.simple_tag
def semicolon() -> str:
    """The semicolon between items, as the reader's language writes it: a
    narrow no-break space before it in French."""
    return language_semicolon()
