from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Pass phrases up to 256 characters are accepted (at least 64, as ASVS asks)."""

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long: it may have at most %(max)d character.",
                    "This password is too long: "
                    "it may have at most %(max)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password may have up to %(max)d character.",
            "Your password may have up to %(max)d characters.",
            self.max_length,
        ) % {"max": self.max_length}
