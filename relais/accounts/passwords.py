import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
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


class GuessabilityValidator:
    """Refuse passwords zxcvbn would guess quickly: repeats, sequences, keyboard
    walks, dates, and the common passwords and words of its lists, however long.

    The person's e-mail address and name count as known words.
    """

    # zxcvbn refuses more than 72 characters (its time grows quickly); the first 72 of
    # a pass phrase decide well enough whether it is guessable.
    checked_length = 72

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def user_inputs(self, user: Any) -> list[str]:
        if user is None:
            return []
        inputs: list[str] = []
        for attribute in ("email", "first_name", "last_name"):
            value = str(getattr(user, attribute, "") or "")
            if value:
                inputs.append(value)
                inputs.extend(p for p in re.split(r"[\W_]+", value) if len(p) > 2)
        return inputs

    def validate(self, password: str, user: Any = None) -> None:
        from zxcvbn import zxcvbn

        result = zxcvbn(
            password[: self.checked_length], user_inputs=self.user_inputs(user)
        )
        if result["score"] < self.min_score:
            raise ValidationError(
                _(
                    "This password is too easy to guess: it repeats, follows a "
                    "sequence, or is a common password or word. Try a few "
                    "unrelated words."
                ),
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must not be easy to guess: no repeats, sequences "
            "or common passwords."
        )
