"""Reads from the knowledge base. Only published content leaves this module
for public pages; the citation rule is applied here as well as on writes."""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django_countries import countries

from .markdown import markdown_to_html
from .models import (
    HEADER_TOPICS,
    CellStatus,
    Citation,
    CountryProfile,
    GoodPractice,
    HandbookChapter,
    HandbookSection,
    PracticeStatus,
    Provision,
    RightsCell,
    RightTopic,
)


def profile_get(code: str) -> CountryProfile | None:
    return CountryProfile.objects.filter(code=code.upper()).first()


def profiles_all() -> list[CountryProfile]:
    return sorted(
        CountryProfile.objects.all(),
        key=lambda p: (p.code == "EU", str(countries.name(p.code)).casefold()),
    )


def published_cells(profile: CountryProfile) -> QuerySet[RightsCell]:
    """Cells shown to readers: published and carrying at least one citation."""
    return (
        RightsCell.objects.filter(
            profile=profile, status=CellStatus.PUBLISHED, citation__isnull=False
        )
        .distinct()
        .prefetch_related(
            Prefetch(
                "citation_set",
                queryset=Citation.objects.select_related("provision"),
            )
        )
    )


def undocumented_cells(profile: CountryProfile) -> QuerySet[RightsCell]:
    """Topics no source documents yet for the country: the matrix says so
    rather than leaving the reader to guess."""
    return RightsCell.objects.filter(profile=profile, status=CellStatus.UNDOCUMENTED)


@dataclass
class MatrixRow:
    topic: str
    label: str
    cells: list[RightsCell | None]


@dataclass
class Matrix:
    profiles: list[CountryProfile]
    header: list[MatrixRow] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)


def rights_matrix(profiles: list[CountryProfile]) -> Matrix:
    """The rights matrix of one or more countries, row by row (side by side)."""
    by_profile = {
        p.pk: {
            **{c.topic: c for c in undocumented_cells(p)},
            **{c.topic: c for c in published_cells(p)},
        }
        for p in profiles
    }
    matrix = Matrix(profiles=profiles)
    for topic in RightTopic:
        row = MatrixRow(
            topic=topic.value,
            label=str(topic.label),
            cells=[by_profile[p.pk].get(topic.value) for p in profiles],
        )
        (matrix.header if topic in HEADER_TOPICS else matrix.rows).append(row)
    return matrix


def provisions_filtered(
    *, country: str = "", topic: str = "", q: str = ""
) -> list[Provision]:
    provisions = Provision.objects.all()
    if country:
        provisions = provisions.filter(country=country)
    if topic:
        provisions = provisions.filter(topic=topic)
    result = list(provisions.prefetch_related("cells__profile"))
    if q:
        result = [p for p in result if matches(q, _provision_text(p))]
    return result


def provision_get(slug: str) -> Provision | None:
    return Provision.objects.filter(slug=slug).first()


def practices_published(
    *, country: str = "", topic: str = "", q: str = ""
) -> list[GoodPractice]:
    practices = GoodPractice.objects.filter(
        status=PracticeStatus.PUBLISHED
    ).select_related("contact_organization")
    if topic:
        practices = practices.filter(topic=topic)
    result = list(practices)
    if country:
        result = [p for p in result if country in p.countries]
    if q:
        result = [p for p in result if matches(q, _practice_text(p))]
    return result


def practice_get_visible(slug: str, user: Any) -> GoodPractice | None:
    """Published practices for everyone; proposals for their author and editors."""
    import rules

    practice = GoodPractice.objects.filter(slug=slug).first()
    if practice is None or practice.status == PracticeStatus.PUBLISHED:
        return practice
    if rules.has_perm("knowledge.edit", user) or (
        user.is_authenticated and practice.proposed_by_id == user.pk
    ):
        return practice
    return None


def handbook_chapters(*, audience: str = "") -> list[HandbookChapter]:
    sections = HandbookSection.objects.order_by("number")
    chapters = HandbookChapter.objects.prefetch_related(
        Prefetch("sections", queryset=sections)  # type: ignore[arg-type]
    )
    if audience:
        return [c for c in chapters if audience in c.audiences]
    return list(chapters)


def section_get(chapter: str, section: str) -> HandbookSection | None:
    return (
        HandbookSection.objects.select_related("chapter")
        .filter(chapter__slug=chapter, slug=section)
        .first()
    )


LEGISLATION_LINK = re.compile(r"\]\(legislation:([a-z0-9-]+)\)")


def legislation_links(text: str) -> str:
    """Turn `[text](legislation:<id>)` into a link to the library entry."""
    return LEGISLATION_LINK.sub(
        lambda m: "](" + reverse("knowledge:provision", kwargs={"slug": m[1]}) + ")",
        text,
    )


@dataclass
class RenderedSection:
    section: HandbookSection
    title: str
    html: str
    language: str | None
    out_of_date: bool


def section_rendered(section: HandbookSection) -> RenderedSection:
    """The section in the reader's language if translated, else in English."""
    from relais.core.languages import translated_field

    body, language = translated_field(section, "body")
    title = getattr(section, f"title_{language}", "") or section.title
    return RenderedSection(
        section=section,
        title=title,
        html=markdown_to_html(legislation_links(body)),
        language=language,
        out_of_date=section.translation_out_of_date(language or "en"),
    )


# Search -----------------------------------------------------------------------


def normalise(text: str) -> str:
    """Case- and accent-insensitive form of a text (any script to Latin)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return anyascii(decomposed).casefold()


def matches(q: str, text: str) -> bool:
    haystack = normalise(text)
    return all(word in haystack for word in normalise(q).split())


def _provision_text(p: Provision) -> str:
    summaries = " ".join(
        getattr(p, f"summary_{c}", "") or "" for c, _n in settings.LANGUAGES
    )
    return f"{p.instrument} {p.article} {summaries} {p.notes}"


def _practice_text(p: GoodPractice) -> str:
    parts = []
    for name in ("title", "context", "practice", "results", "transferability"):
        parts += [getattr(p, f"{name}_{c}", "") or "" for c, _n in settings.LANGUAGES]
    return " ".join(parts)
