from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from . import services
from .models import (
    Address,
    Attribute,
    ChangeRecord,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Place,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    VerificationState,
)
from .search import index_update


def _editor(request: HttpRequest) -> str:
    return getattr(request.user, "email", "") or str(request.user)


class ChangeHistoryMixin:
    """Every admin save and delete, inlines included, writes the field-level history."""

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm, change: bool
    ) -> None:
        before = None
        if change:
            before = services.snapshot(type(obj)._default_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        services.change_history_record(
            instance=obj, before=before, updated_by=_editor(request)
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        listings = services.listing_ids_of(obj)
        services.change_history_record(
            instance=obj, before=None, updated_by=_editor(request), deleted=True
        )
        super().delete_model(request, obj)  # type: ignore[misc]
        index_update(listings)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        listings: set[Any] = set()
        for obj in queryset:
            listings |= services.listing_ids_of(obj)
            services.change_history_record(
                instance=obj, before=None, updated_by=_editor(request), deleted=True
            )
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        index_update(listings)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        # The search index follows the edit at once, inlines included.
        index_update(services.listing_ids_of(form.instance))

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm,
        formset: BaseInlineFormSet,
        change: bool,
    ) -> None:
        befores = {
            f.instance.pk: services.snapshot(
                type(f.instance).objects.get(pk=f.instance.pk)
            )
            for f in formset.initial_forms
            if f.instance.pk and f.has_changed()
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.change_history_record(
                instance=obj, before=None, updated_by=_editor(request), deleted=True
            )
            obj.delete()
        for obj in instances:
            created = obj.pk not in befores
            obj.save()
            services.change_history_record(
                instance=obj,
                before=None if created else befores[obj.pk],
                updated_by=_editor(request),
            )
        formset.save_m2m()


class ServiceInline(TranslationStackedInline):
    model = Service
    extra = 0
    fields = ("name", "description", "url", "email", "status")
    show_change_link = True


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    fields = ("name", "location_type", "visibility", "latitude", "longitude")
    show_change_link = True


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = (
        "name",
        "title",
        "department",
        "email",
        "visibility",
        "service",
        "location",
    )


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = (
        "byday",
        "opens_at",
        "closes_at",
        "freq",
        "valid_from",
        "valid_to",
        "description",
        "notes",
    )


class PhoneInline(TranslationTabularInline):
    model = Phone
    extra = 0
    fields = (
        "number",
        "country",
        "extension",
        "type",
        "is_hotline",
        "description",
        "visibility",
    )


@admin.register(Organization)
class OrganizationAdmin(ChangeHistoryMixin, TranslationAdmin):
    list_display = (
        "name",
        "country",
        "verification_badge",
        "assured_date",
        "accepts_referrals_from_abroad",
        "is_fictitious",
    )
    list_filter = (
        "country",
        "accepts_referrals_from_abroad",
        "takes_legal_aid_cases",
        "source_verified",
        "assurance",
        "is_fictitious",
    )
    search_fields = ("name", "alternate_name", "slug", "email", "website")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("id", "created_at", "updated_at")
    inlines = (ServiceInline, LocationInline, ContactInline, PhoneInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "alternate_name",
                    "slug",
                    "country",
                    "description",
                    "website",
                    "email",
                    "email_visibility",
                    "legal_status",
                    "year_incorporated",
                    "parent_organization",
                    "accepts_referrals_from_abroad",
                )
            },
        ),
        (
            _("Lawyers and law firms"),
            {
                "fields": (
                    "bar_membership",
                    "practice_countries",
                    "courts",
                    "takes_legal_aid_cases",
                    "victims_counsel_experience",
                )
            },
        ),
        (
            _("Verification and source"),
            {
                "fields": (
                    "assured_date",
                    "assurer",
                    "assurance",
                    "source_url",
                    "additional_sources",
                    "source_seen",
                    "source_verified",
                    "notes",
                    "is_fictitious",
                )
            },
        ),
        (_("Record"), {"fields": ("id", "created_at", "updated_at")}),
    )

    @admin.display(description=_("verification"))
    def verification_badge(self, obj: Organization) -> str:
        return str(dict(VerificationState.choices)[obj.verification_state])


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0


class LanguageInline(admin.TabularInline):
    model = Language
    extra = 0
    fields = ("code", "note")


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0


@admin.register(Service)
class ServiceAdmin(ChangeHistoryMixin, TranslationAdmin):
    list_display = ("name", "organization", "status")
    list_filter = ("status", "organization__country")
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization",)
    inlines = (
        ServiceAtLocationInline,
        LanguageInline,
        ServiceAreaInline,
        ScheduleInline,
    )


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


@admin.register(Location)
class LocationAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = ("__str__", "organization", "location_type", "visibility")
    list_filter = ("location_type", "visibility", "addresses__country")
    search_fields = ("name", "organization__name", "addresses__city")
    autocomplete_fields = ("organization",)
    inlines = (AddressInline, LanguageInline, ScheduleInline)


@admin.register(Contact)
class ContactAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = ("__str__", "organization", "title", "visibility")
    list_filter = ("visibility",)
    search_fields = ("name", "email", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(Phone)
class PhoneAdmin(ChangeHistoryMixin, TranslationAdmin):
    list_display = ("display_number", "organization", "type", "visibility")
    list_filter = ("type", "visibility")
    search_fields = ("number", "organization__name")
    autocomplete_fields = ("organization",)


class TaxonomyTermInline(TranslationStackedInline):
    model = TaxonomyTerm
    extra = 0
    fields = ("code", "name", "description", "position", "parent", "term_uri")


@admin.register(Taxonomy)
class TaxonomyAdmin(ChangeHistoryMixin, TranslationAdmin):
    list_display = ("name", "slug", "version")
    search_fields = ("name", "slug")
    inlines = (TaxonomyTermInline,)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(ChangeHistoryMixin, TranslationAdmin):
    list_display = ("name", "code", "taxonomy", "position")
    list_filter = ("taxonomy",)
    search_fields = ("name", "code")


@admin.register(Attribute)
class AttributeAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = ("taxonomy_term", "link_entity", "link_id", "value")
    list_filter = ("link_entity", "taxonomy_term__taxonomy")
    search_fields = ("link_id", "taxonomy_term__code", "taxonomy_term__name")
    autocomplete_fields = ("taxonomy_term",)


@admin.register(Address)
class AddressAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = ("__str__", "city", "country", "location")
    list_filter = ("country",)
    search_fields = ("address_1", "city", "postal_code", "location__organization__name")
    autocomplete_fields = ("location",)


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = ("service", "location")
    list_filter = ("location__addresses__country",)
    search_fields = ("service__name", "location__name", "service__organization__name")
    autocomplete_fields = ("service", "location")
    inlines = (ScheduleInline,)


@admin.register(Language)
class LanguageAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = ("code", "service", "location", "phone", "note")
    list_filter = ("code",)
    search_fields = ("code", "service__name", "service__organization__name")
    autocomplete_fields = ("service", "location", "phone")


@admin.register(Schedule)
class ScheduleAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "service",
        "location",
        "service_at_location",
        "description",
    )
    list_filter = ("byday",)
    search_fields = (
        "description",
        "service__organization__name",
        "location__organization__name",
        "service_at_location__service__organization__name",
    )
    autocomplete_fields = ("service", "location", "service_at_location")


@admin.register(ServiceArea)
class ServiceAreaAdmin(ChangeHistoryMixin, admin.ModelAdmin):
    list_display = ("name", "service", "country")
    list_filter = ("country",)
    search_fields = ("name", "service__name")
    autocomplete_fields = ("service",)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """The gazetteer is loaded from GeoNames (`relais load-gazetteer`), not edited."""

    list_display = ("name", "country", "population", "latitude", "longitude")
    list_filter = ("country",)
    search_fields = ("name", "names__folded")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the platform alone: history, decisions, reminders."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = (
        "last_action_date",
        "resource_type",
        "resource_id",
        "field_name",
        "last_action_type",
        "updated_by",
    )
    list_filter = ("resource_type", "last_action_type")
    search_fields = ("resource_id", "field_name", "updated_by")
    readonly_fields = [f.name for f in ChangeRecord._meta.fields]
