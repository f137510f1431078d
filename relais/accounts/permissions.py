"""Who may see what. Every permission rule of the platform lives here."""

from typing import Any


def can_view_professional_details(user: Any) -> bool:
    """Contact details marked "professionals only" are shown to signed-in professionals.

    Anonymous visitors never see them, in any format (HTML, vCard, print, API).
    """
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_edit_knowledge(user: Any) -> bool:
    """Editors of the knowledge base: the "Knowledge editors" group (or superusers).

    Until organisation roles arrive, the rule rests on Django's permissions,
    which the group carries (relais.knowledge.services.editors_group_sync).
    """
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("knowledge.change_handbooksection")
    )
