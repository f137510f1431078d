"""Writes for events: creating them, registrations, the waiting list,
attendance, reminders, materials, feedback and the retention purge.

Every change of places happens with the event's row locked
(`select_for_update`; on SQLite the IMMEDIATE transaction holds the database's
write lock from its first statement), in a durable transaction, so that two
registrations for the last place never both get it. E-mails are sent after
the commit and only link to the platform.
"""

from .after_the_event import (
    attendance_mark,
    feedback_submit,
    material_add,
    participants_export_record,
)
from .jobs import participants_purge, reminders_send, unconfirmed_registrations_purge
from .organising import event_create, event_update, session_add
from .registrations import (
    RegistrationRefused,
    registration_cancel,
    registration_confirm,
    registration_create,
)

__all__ = [
    "RegistrationRefused",
    "attendance_mark",
    "event_create",
    "event_update",
    "feedback_submit",
    "material_add",
    "participants_export_record",
    "participants_purge",
    "registration_cancel",
    "registration_confirm",
    "registration_create",
    "reminders_send",
    "session_add",
    "unconfirmed_registrations_purge",
]
