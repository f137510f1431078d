"""Fields written in several languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Organization, Phone, Service, Taxonomy, TaxonomyTerm


@register(Taxonomy)
class TaxonomyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(TaxonomyTerm)
class TaxonomyTermTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("description",)
    fallback_undefined = ""


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Phone)
class PhoneTranslation(TranslationOptions):
    fields = ("description",)
    fallback_undefined = ""
