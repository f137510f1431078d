from django import template

from relais.directory.places import city_name as _city_name

register = template.Library()


@register.filter
def city_name(address: object) -> str:
    """The city of an address, named in the reader's language."""
    city = getattr(address, "city", "") or ""
    return _city_name(city, str(getattr(address, "country", "") or "")) or city
