from django import template
from django.utils.safestring import SafeString
from django_countries import countries

from relais.knowledge.markdown import markdown_to_html

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """The localised name of a country code (EU included)."""
    return str(countries.name(code)) or code


@register.filter
def markdown(text: str) -> SafeString:
    return markdown_to_html(text)
