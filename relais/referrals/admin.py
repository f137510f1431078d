"""Referrals in the administration: metadata only, read-only.

The personal data is never shown here: platform administrators see metadata
(DESIGN.md); the encrypted columns are not fields of these pages.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "sending_country",
        "receiving_country",
        "status",
        "urgency",
        "created_at",
        "closed_at",
        "purged_at",
    ]
    list_filter = ["status", "sending_country", "receiving_country", "urgency"]
    fields = (
        "sending_organization",
        "receiving_organization",
        "purposes",
        "urgency",
        "phase",
        "status",
        "outcome",
        "version",
        "created_at",
        "sent_at",
        "accepted_at",
        "closed_at",
        "purged_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
