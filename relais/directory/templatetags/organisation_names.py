from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def org_name(organization: object) -> SafeString:
    """An organisation's name for the reader, marked with its language.

    The reader is the active language: inside `{% language %}` (a rights
    sheet in another language than the pages) the sheet's language.
    """
    name = getattr(organization, "display_name", "") or str(organization or "")
    language = getattr(organization, "display_name_language", "")
    if language:
        return format_html('<span lang="{}">{}</span>', language, name)
    return conditional_escape(name)
