"""Factories for knowledge records. Everything they make is fictitious."""

import factory

from relais.knowledge.models import (
    CountryProfile,
    GoodPractice,
    HandbookChapter,
    HandbookSection,
    Provision,
    RightsCell,
)


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision

    slug = factory.Sequence(lambda n: f"xx-fictitious-{n}")
    country = "BE"
    topic = "legal_aid"
    instrument = factory.Sequence(lambda n: f"Fictitious Test Act {n}")
    article = "1"
    summary_en = "A fictitious provision used in tests."
    source_url = "https://example.org/law"
    verified = True


class CountryProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryProfile
        django_get_or_create = ("code",)

    code = "BE"


class RightsCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RightsCell

    profile = factory.SubFactory(CountryProfileFactory)
    topic = "legal_aid"
    text_en = "A fictitious statement used in tests."
    verified = True


class GoodPracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodPractice

    slug = factory.Sequence(lambda n: f"fictitious-practice-{n}")
    title_en = factory.Sequence(lambda n: f"Fictitious practice {n}")
    countries = ["BE"]
    topic = "identification"
    context_en = "Fictitious context."
    practice_en = "Fictitious practice."
    sources = ["https://example.org/source"]
    status = "published"


class HandbookChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandbookChapter

    slug = factory.Sequence(lambda n: f"chapter-{n}")
    number = factory.Sequence(lambda n: n + 1)
    title_en = "Fictitious chapter"
    audiences = ["lawyers"]


class HandbookSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandbookSection

    chapter = factory.SubFactory(HandbookChapterFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    number = factory.Sequence(lambda n: n + 1)
    title_en = "Fictitious section"
    body_en = "Fictitious **text**."
    audiences = ["lawyers"]
