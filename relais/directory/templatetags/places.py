from django import template

from relais.directory.models import Location
from relais.directory.places import city_name as _city_name
from relais.directory.places import location_name as _location_name

register = template.Library()


@register.filter
def city_name(address: object) -> str:
    """The city of an address, named in the reader's language."""
    city = getattr(address, "city", "") or ""
    return _city_name(city, str(getattr(address, "country", "") or "")) or city


@register.filter
def location_name(location: Location) -> str:
    """A location's name, unless it only repeats its address's city."""
    return _location_name(location)


@register.filter
def location_label(location: Location) -> str:
    """What names a location in a line: its name, else its first address's city."""
    name = _location_name(location)
    if name:
        return name
    address = next(iter(location.addresses.all()), None)
    return city_name(address) if address is not None else ""
