"""The predicates every app's rules.py starts from (django-rules).

Apps check a rule with `rules.has_perm("app.rule", user, obj)`, never with
`user.has_perm`: Django's own check lets any active superuser through, even a
session that has not passed the second factor.
"""

from typing import Any

import rules

from .viewers import is_professional as _is_professional


@rules.predicate
def is_professional(user: Any) -> bool:
    return _is_professional(user)


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    return _is_professional(user) and bool(user.is_superuser)
