"""Who is looking: the one fact about a viewer that every layer needs.

A professional is an active account, signed in, whose session passed the
second factor (django-otp's `is_verified()`): a password alone opens nothing
beyond the public site. Contact details marked "professionals only" are shown
to professionals and to nobody else, in any format (HTML, vCard, print, API).
What a professional may do beyond reading is each app's rules.py.
"""

from typing import Any


def is_professional(user: Any) -> bool:
    """Active, signed in and verified with a second factor in this session."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())
