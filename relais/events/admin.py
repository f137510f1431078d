from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Event, Feedback, Material, Session


class SessionInline(TranslationTabularInline):
    model = Session
    extra = 1


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ("title", "url", "participants_only")


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    list_display = ("title", "kind", "format", "country", "starts_at", "provenance")
    list_filter = ("kind", "format", "provenance", "visibility", "country")
    search_fields = ("title", "city")
    filter_horizontal = ("organisers", "good_practices", "handbook_sections")
    autocomplete_fields = ("venue",)
    inlines = (SessionInline, MaterialInline)
    readonly_fields = (
        "week_reminder_sent_at",
        "day_reminder_sent_at",
        "personal_data_deleted_at",
    )


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("event", "usefulness", "created_at")
    list_filter = ("usefulness",)
    exclude = ("registration",)
