"""vCard 3.0 (RFC 2426) of an organisation or one of its contacts.

vobject is imported when a card is made, not with the web worker (it costs
each worker about 6 MB).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .models import Contact, Organization, Phone

if TYPE_CHECKING:
    import vobject

VCARD_PHONE_TYPES = {"voice": "VOICE", "cell": "CELL", "fax": "FAX", "text": "MSG"}


def _add_phones(card: "vobject.base.Component", phones: Iterable[Phone]) -> None:
    areas = []
    for phone in phones:
        tel = card.add("tel")
        # A short number is dialled as its digits; TEL has no place for the
        # country it is limited to, so the note says it.
        tel.value = phone.number
        tel.type_param = VCARD_PHONE_TYPES.get(phone.type, "VOICE")
        if phone.dialling_area:
            areas.append(f"{phone.display_number}: {phone.dialling_area}")
    if areas:
        card.add("note").value = "\n".join(areas)


def organization_vcard(
    organization: Organization, *, email: str, phones: Iterable[Phone]
) -> str:
    import vobject

    card = vobject.vCard()
    card.add("fn").value = organization.name
    card.add("n").value = vobject.vcard.Name(family=organization.name)
    card.add("org").value = [organization.name]
    if email:
        card.add("email").value = email
    if organization.website:
        card.add("url").value = organization.website
    _add_phones(card, phones)
    return card.serialize()


def contact_vcard(contact: Contact, *, phones: Iterable[Phone]) -> str:
    import vobject

    card = vobject.vCard()
    name = contact.name or contact.department or contact.organization.name
    card.add("fn").value = name
    card.add("n").value = vobject.vcard.Name(family=name)
    org = [contact.organization.name] + (
        [contact.department] if contact.department else []
    )
    card.add("org").value = org
    if contact.title:
        card.add("title").value = contact.title
    if contact.email:
        card.add("email").value = contact.email
    _add_phones(card, phones)
    return card.serialize()
