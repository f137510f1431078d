"""What the events app writes to the audit trail (relais.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.audit.registry import audit_actions_register


@audit_actions_register
class EventAction(models.TextChoices):
    EVENT_CREATED = "event_created", _("Event created")
    EVENT_UPDATED = "event_updated", _("Event updated")
    REGISTRATION_CREATED = "event_registration_created", _("Registration received")
    REGISTRATION_CONFIRMED = "event_registration_confirmed", _("Registration confirmed")
    REGISTRATION_CANCELLED = "event_registration_cancelled", _("Registration cancelled")
    REGISTRATION_PROMOTED = (
        "event_registration_promoted",
        _("Registration promoted from the waiting list"),
    )
    ATTENDANCE_MARKED = "event_attendance_marked", _("Attendance marked")
    PARTICIPANTS_EXPORTED = (
        "event_participants_exported",
        _("Participant list exported"),
    )
    PARTICIPANTS_PURGED = (
        "event_participants_purged",
        _("Participants' personal data deleted"),
    )
    UNCONFIRMED_DELETED = (
        "event_unconfirmed_deleted",
        _("Unconfirmed registrations deleted"),
    )
    MATERIAL_ADDED = "event_material_added", _("Event material added")
