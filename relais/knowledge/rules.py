"""Who may edit the knowledge base: `rules.has_perm("knowledge.edit", user)`."""

from typing import Any

import rules

from relais.core.rules import is_professional


@rules.predicate
def in_knowledge_editors(user: Any) -> bool:
    """The "Knowledge editors" group carries Django's permission
    (relais.knowledge.services.editors_group_sync); superusers have it too."""
    return bool(user.has_perm("knowledge.change_handbooksection"))


rules.add_perm("knowledge.edit", is_professional & in_knowledge_editors)
