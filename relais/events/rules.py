"""Who may organise events, see their participants and register.
Which events a viewer sees at all is selectors.events_visible_to.
Checked with `rules.has_perm("events.…", user, obj)`; the object is an event.
"""

from typing import Any

import rules

from relais.accounts.models import Role
from relais.accounts.rules import is_organisation_admin
from relais.core.rules import is_platform_admin, is_professional


@rules.predicate
def is_organiser_of(user: Any, event: Any) -> bool:
    """An administrator of one of the event's organising organisations."""
    if event is None:
        return False
    return any(is_organisation_admin(user, o) for o in event.organisers.all())


@rules.predicate
def is_public_event(user: Any, event: Any) -> bool:
    return event is not None and event.is_public


@rules.predicate
def administers_an_organisation(user: Any) -> bool:
    return bool(
        is_professional(user)
        and user.memberships.filter(role=Role.ORGANISATION_ADMIN).exists()
    )


can_organise = is_platform_admin | is_organiser_of

# Create an event: an administrator of an organisation (for it), platform
# administrators.
rules.add_perm("events.create_event", is_platform_admin | administers_an_organisation)
# Change the event, its programme and materials.
rules.add_perm("events.organise", can_organise)
# Participants' personal data (the list, its export, attendance, feedback):
# the organisers only, not even platform administrators.
rules.add_perm("events.view_participants", is_organiser_of)
# Register as a signed-in professional.
rules.add_perm("events.register", is_professional & is_public_event)
