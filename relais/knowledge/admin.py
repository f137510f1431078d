"""Editors ("Knowledge editors" group) edit the knowledge base here; every save
goes through services.content_save, which keeps a version with who and when."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import search, services
from .models import (
    Citation,
    ContentVersion,
    CountryProfile,
    GoodPractice,
    HandbookChapter,
    HandbookSection,
    Provision,
    RightsCell,
)


class VersionedAdmin(TranslationAdmin):
    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        services.content_save(instance=obj, user=request.user)

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        # Inlines (a cell's citations) change what search shows of the record.
        super().save_related(request, form, formsets, change)
        search.index_refresh([form.instance])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        search.index_prune()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        search.index_prune()


@admin.register(Provision)
class ProvisionAdmin(VersionedAdmin):
    list_display = ("slug", "country", "topic", "article", "verified", "as_of")
    list_filter = ("country", "topic", "verified")
    search_fields = ("slug", "instrument", "article", "summary")


@admin.register(CountryProfile)
class CountryProfileAdmin(VersionedAdmin):
    list_display = ("code", "updated_at")


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    autocomplete_fields = ("provision",)


@admin.register(RightsCell)
class RightsCellAdmin(VersionedAdmin):
    list_display = ("profile", "topic", "status", "verified", "reviewed_on")
    list_filter = ("profile", "topic", "status", "verified")
    inlines = (CitationInline,)
    actions = ("publish", "mark_reviewed")

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if services.rights_cell_unpublish_if_uncited(
            cell=form.instance, user=request.user
        ):
            self.message_user(
                request,
                _(
                    "A statement without a citation cannot be published: "
                    "it was kept as a draft."
                ),
                messages.ERROR,
            )

    @admin.action(description=_("Publish the selected cells"))
    def publish(self, request: HttpRequest, queryset: QuerySet[RightsCell]) -> None:
        for cell in queryset:
            try:
                services.rights_cell_publish(cell=cell, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{cell}: {error.messages[0]}", messages.ERROR
                )

    @admin.action(description=_("Mark the selected cells as reviewed today"))
    def mark_reviewed(
        self, request: HttpRequest, queryset: QuerySet[RightsCell]
    ) -> None:
        for cell in queryset:
            services.rights_cell_review(cell=cell, user=request.user)


@admin.register(GoodPractice)
class GoodPracticeAdmin(VersionedAdmin):
    list_display = ("title", "topic", "status", "proposed_by", "reviewed_at")
    list_filter = ("status", "topic")
    search_fields = ("title", "context", "practice")
    raw_id_fields = ("contact_organization",)
    readonly_fields = ("proposed_by", "reviewed_by", "reviewed_at")


@admin.register(HandbookChapter)
class HandbookChapterAdmin(VersionedAdmin):
    list_display = ("number", "title")


@admin.register(HandbookSection)
class HandbookSectionAdmin(VersionedAdmin):
    list_display = ("__str__", "version", "updated_at")
    list_filter = ("chapter",)
    search_fields = ("title", "body")
    readonly_fields = ("version", "translated_from")

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        if change and {"title_en", "body_en"} & set(form.changed_data):
            obj.version += 1
        for code in {
            name.rsplit("_", 1)[1]
            for name in form.changed_data
            if name.startswith("body_")
        } - {"en"}:
            obj.translated_from = {**(obj.translated_from or {}), code: obj.version}
        services.content_save(instance=obj, user=request.user)


@admin.register(ContentVersion)
class ContentVersionAdmin(admin.ModelAdmin):
    list_display = (
        "content_type",
        "object_id",
        "number",
        "changed_by_label",
        "changed_at",
    )
    list_filter = ("content_type",)
    readonly_fields = (
        "content_type",
        "object_id",
        "number",
        "data",
        "changed_by",
        "changed_by_label",
        "changed_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
