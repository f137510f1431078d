"""Fields an organiser may write in several languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Session


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary")
    fallback_undefined = ""


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title",)
    fallback_undefined = ""
