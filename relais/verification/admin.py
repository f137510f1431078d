from django.contrib import admin

from relais.directory.admin import ReadOnlyAdmin

from .models import (
    CorrectionSuggestion,
    ListingChangeRequest,
    ListingClaim,
    VerificationReminder,
)


@admin.register(ListingChangeRequest)
class ListingChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ("organization", "kind", "status", "submitted_at", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("organization__name",)


@admin.register(ListingClaim)
class ListingClaimAdmin(ReadOnlyAdmin):
    list_display = ("organization", "status", "submitted_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("organization__name",)


@admin.register(VerificationReminder)
class VerificationReminderAdmin(ReadOnlyAdmin):
    list_display = ("organization", "cycle", "sent_at", "recipients")
    search_fields = ("organization__name",)


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(ReadOnlyAdmin):
    list_display = ("organization", "section", "status", "suggested_at", "resolved_at")
    list_filter = ("status", "section")
    search_fields = ("organization__name",)
