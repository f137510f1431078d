"""Audit actions are strings that each app declares and registers.

An app lists its actions as a TextChoices class in its own `audit_actions.py`,
decorated with `audit_actions_register`, and imports that module in its
AppConfig.ready(). The trail stores the string; adding an app or an action
needs no migration of the audit app.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

_labels: dict[str, Any] = {}

ACTION_MAX_LENGTH = 40


def audit_actions_register(
    actions: type[models.TextChoices],
) -> type[models.TextChoices]:
    for value, label in actions.choices:
        if len(value) > ACTION_MAX_LENGTH:
            raise ImproperlyConfigured(f"Audit action {value!r} is too long.")
        if value in _labels and str(_labels[value]) != str(label):
            raise ImproperlyConfigured(f"Audit action {value!r} is registered twice.")
        _labels[value] = label
    return actions


def action_label(value: str) -> str:
    """The action's label in the current language (the string itself if unknown)."""
    return str(_labels.get(value, value))


def action_choices() -> list[tuple[str, str]]:
    return sorted(((value, str(label)) for value, label in _labels.items()))


def is_registered(value: str) -> bool:
    return value in _labels
