"""Fields written in several languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    CountryProfile,
    GoodPractice,
    HandbookChapter,
    HandbookSection,
    Provision,
    RightsCell,
)


@register(Provision)
class ProvisionTranslation(TranslationOptions):
    # The instrument's title and the article reference are read on the rights
    # sheet too: a reader gets them in their language where translated.
    fields = ("summary", "instrument", "article")
    fallback_undefined = ""


@register(CountryProfile)
class CountryProfileTranslation(TranslationOptions):
    fields = ("introduction",)
    fallback_undefined = ""


@register(RightsCell)
class RightsCellTranslation(TranslationOptions):
    fields = ("text",)
    fallback_undefined = ""


@register(GoodPractice)
class GoodPracticeTranslation(TranslationOptions):
    fields = ("title", "context", "practice", "results", "transferability")
    fallback_undefined = ""


@register(HandbookChapter)
class HandbookChapterTranslation(TranslationOptions):
    fields = ("title",)
    fallback_undefined = ""


@register(HandbookSection)
class HandbookSectionTranslation(TranslationOptions):
    fields = ("title", "body")
    fallback_undefined = ""
