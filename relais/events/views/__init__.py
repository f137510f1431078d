"""Event pages: thin views over selectors (who may see) and services (writes).

An event the viewer may not see, or a registration link that is not valid,
answers 404 with a message saying what was not found (explained_404).
"""

from .after_the_event import certificate, material_pdf
from .calendars import event_ics, feed_audience, feed_country, feeds
from .listing import event_detail, event_list
from .organising import (
    event_create,
    event_edit,
    material_add,
    participants,
    participants_export,
    session_add,
)
from .registering import (
    my_registration,
    register,
    register_guest,
    registration_confirm,
    registration_page,
)

__all__ = [
    "certificate",
    "event_create",
    "event_detail",
    "event_edit",
    "event_ics",
    "event_list",
    "feed_audience",
    "feed_country",
    "feeds",
    "material_add",
    "material_pdf",
    "my_registration",
    "participants",
    "participants_export",
    "register",
    "register_guest",
    "registration_confirm",
    "registration_page",
    "session_add",
]
