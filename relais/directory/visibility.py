"""Who may see which contact details: one rule for every output of the directory.

Locations, contacts, phones and an organisation's e-mail address can be marked
"professionals only". A viewer who may see professional details sees them
all; anyone else sees a record only when it and every record it belongs to
are public: a phone is hidden with its location and with its contact, a
contact with its location, a service at a location with the location. A
shelter's phone is as hidden as the shelter, whatever the phone's own marking.

`MARKED_BY` states which markings decide, for each kind of record. It is read
two ways: `visible_to(viewer)` on the managers filters in SQL, and
`is_visible_to` checks a row already in memory (the search index reads plain
rows). Outputs read through these, and through `Organization.email_for`;
none compares `visibility` itself.
"""

from typing import Any, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.viewers import is_professional

_M = TypeVar("_M", bound=models.Model)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PROFESSIONALS = "professionals", _("Professionals only")


# Kind of record (model name) → the records whose marking decides whether it
# is shown: "" is the record itself, the others the records it belongs to,
# which decide only where they exist.
MARKED_BY: dict[str, tuple[str, ...]] = {
    "location": ("",),
    "contact": ("", "location"),
    "phone": ("", "location", "contact", "contact__location"),
    "serviceatlocation": ("location",),
}


def public_condition(kind: str) -> Q:
    """The rows of `kind` that anyone may see, as a filter."""
    condition = Q()
    for path in MARKED_BY[kind]:
        if not path:
            condition &= Q(visibility=Visibility.PUBLIC)
            continue
        condition &= Q(**{f"{path}__visibility": Visibility.PUBLIC}) | Q(
            **{f"{path}__isnull": True}
        )
    return condition


def is_public(record: Any, kind: str) -> bool:
    """`record`, already read, may be shown to anyone.

    `record` is a model instance (the records it belongs to are read if not
    cached) or a plain row whose related records are attributes, None where it
    has none.
    """
    for path in MARKED_BY[kind]:
        marked = record
        for step in path.split("__") if path else ():
            marked = getattr(marked, step)
            if marked is None:
                break
        if marked is not None and marked.visibility != Visibility.PUBLIC:
            return False
    return True


def is_visible_to(record: Any, viewer: Any, kind: str | None = None) -> bool:
    """`record`, already read, may be shown to `viewer` (see `is_public`)."""
    if is_professional(viewer):
        return True
    return is_public(record, kind or record._meta.model_name)


class VisibleQuerySet(models.QuerySet[_M]):
    """Locations, contacts, phones and services at locations: `visible_to(viewer)`."""

    def visible_to(self, viewer: Any) -> Self:
        if is_professional(viewer):
            return self
        return self.filter(public_condition(str(self.model._meta.model_name)))
