"""Writes to the knowledge base. Every function is atomic, validates what it
saves and records a version (who and when) of the record it changed."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from relais.directory.models import Organization
from relais.directory.services import snapshot

from . import search
from .i18n import handbook_sections, translations_load
from .models import (
    CellStatus,
    Citation,
    ContentVersion,
    CountryProfile,
    GoodPractice,
    HandbookChapter,
    HandbookSection,
    PracticeStatus,
    Provision,
    RightsCell,
    RightTopic,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
EDITORS_GROUP = "Knowledge editors"
# The shared reference file was compiled from public sources on 29 November
# 2026 and its provisions were reviewed again, against the official texts
# where these could be read, on 3 December 2026 (data/README.md); loaded
# cells count as reviewed then.
REFERENCE_COMPILED_ON = date(2026, 12, 3)
REFERENCE_REVIEWER = "Relais reference compilation (public sources)"
LOADER = "load-knowledge"
KNOWLEDGE_MODELS = (
    "provision",
    "countryprofile",
    "rightscell",
    "citation",
    "goodpractice",
    "handbookchapter",
    "handbooksection",
)


def _who(user: Any) -> tuple[Any, str]:
    if user is not None and getattr(user, "is_authenticated", False):
        return user, str(user)
    return None, LOADER if user is None else str(user)


def version_record(*, instance: models.Model, user: Any = None) -> ContentVersion:
    """Store the record's current content as its next version."""
    content_type = ContentType.objects.get_for_model(instance)
    last = ContentVersion.objects.filter(
        content_type=content_type, object_id=instance.pk
    ).aggregate(n=Max("number"))["n"]
    changed_by, label = _who(user)
    return ContentVersion.objects.create(
        content_type=content_type,
        object_id=instance.pk,
        number=(last or 0) + 1,
        data=snapshot(instance),
        changed_by=changed_by,
        changed_by_label=label,
    )


@transaction.atomic
def content_save(*, instance: models.Model, user: Any) -> models.Model:
    """Validate and save any knowledge record, keeping a version of it and
    re-indexing it for search."""
    instance.full_clean()
    instance.save()
    version_record(instance=instance, user=user)
    search.index_refresh([instance])
    return instance


@transaction.atomic
def rights_cell_publish(*, cell: RightsCell, user: Any) -> RightsCell:
    """Publish a cell. A cell without a citation cannot be published."""
    if not cell.citations.exists():
        raise ValidationError(
            _("A statement without a citation cannot be published."),
            code="citation_required",
        )
    if not cell.text.strip():
        raise ValidationError(
            _("An empty statement cannot be published."), code="text_required"
        )
    cell.status = CellStatus.PUBLISHED
    return content_save(instance=cell, user=user)  # type: ignore[return-value]


@transaction.atomic
def rights_cell_unpublish_if_uncited(*, cell: RightsCell, user: Any) -> bool:
    """Return a published cell without citations to draft; True if it did."""
    if cell.status == CellStatus.PUBLISHED and not cell.citations.exists():
        cell.status = CellStatus.DRAFT
        content_save(instance=cell, user=user)
        return True
    return False


@transaction.atomic
def rights_cell_review(
    *, cell: RightsCell, user: Any, on: date | None = None
) -> RightsCell:
    """Record that an editor checked the cell against its sources."""
    cell.reviewed_on = on or timezone.localdate()
    cell.reviewed_by = str(user)
    return content_save(instance=cell, user=user)  # type: ignore[return-value]


@transaction.atomic
def practice_propose(*, user: Any, **fields: Any) -> GoodPractice:
    """A member proposes a good practice; an editor reviews it before publication."""
    slug = _unique_slug(GoodPractice, fields.get("title_en") or fields["title"])
    practice = GoodPractice(
        slug=slug, status=PracticeStatus.PROPOSED, proposed_by=user, **fields
    )
    return content_save(instance=practice, user=user)  # type: ignore[return-value]


@transaction.atomic
def practice_review(
    *, practice: GoodPractice, user: Any, publish: bool
) -> GoodPractice:
    practice.status = PracticeStatus.PUBLISHED if publish else PracticeStatus.DECLINED
    practice.reviewed_by = user
    practice.reviewed_at = timezone.now()
    return content_save(instance=practice, user=user)  # type: ignore[return-value]


@transaction.atomic
def section_update(
    *, section: HandbookSection, title: str, body: str, user: Any
) -> HandbookSection:
    """Change the English (source) text; translations made before become out of date."""
    if section.title_en == title and section.body_en == body:  # type: ignore[attr-defined]
        return section
    section.title_en = title  # type: ignore[attr-defined]
    section.body_en = body  # type: ignore[attr-defined]
    section.version += 1
    return content_save(instance=section, user=user)  # type: ignore[return-value]


@transaction.atomic
def section_translate(
    *, section: HandbookSection, language: str, title: str, body: str, user: Any
) -> HandbookSection:
    """Save a translation of the section's current English text."""
    if language == "en" or not hasattr(section, f"body_{language}"):
        raise ValidationError(_("Unknown translation language."), code="language")
    setattr(section, f"title_{language}", title)
    setattr(section, f"body_{language}", body)
    section.translated_from = {
        **(section.translated_from or {}),
        language: section.version,
    }
    return content_save(instance=section, user=user)  # type: ignore[return-value]


def _unique_slug(model: type[models.Model], text: str) -> str:
    base = slugify(text)[:100] or "entry"
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():  # type: ignore[attr-defined]
        slug, n = f"{base}-{n}", n + 1
    return slug


# Loading ----------------------------------------------------------------------


@dataclass
class LoadResult:
    provisions: int = 0
    cells: int = 0
    published: int = 0
    practices: int = 0
    sections: int = 0
    changed: int = 0
    translations: int = 0
    stale_translations: int = 0


def editors_group_sync() -> Group:
    """The "Knowledge editors" group, holding every permission on knowledge records."""
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="knowledge", content_type__model__in=KNOWLEDGE_MODELS
    )
    group.permissions.add(*permissions)
    return group


def _save_if_changed(
    instance: models.Model, before: dict[str, str] | None, result: LoadResult
) -> None:
    instance.full_clean()
    if before is None or snapshot(instance) != before:
        instance.save()
        version_record(instance=instance)
        result.changed += 1


def _provisions_load(path: Path, result: LoadResult) -> dict[str, Provision]:
    provisions = {}
    for record in json.loads(path.read_text(encoding="utf-8")):
        provision = Provision.objects.filter(slug=record["id"]).first()
        before = None if provision is None else snapshot(provision)
        provision = provision or Provision(slug=record["id"])
        value = record.get("value")
        fields = {
            "country": record["country"],
            "topic": record["topic"],
            "instrument_en": record.get("instrument") or "",
            "article_en": record.get("article") or "",
            "summary_en": record["summary"],
            "value": "" if value is None else str(value),
            "value_unit": record.get("value_unit") or "",
            "source_url": record["source_url"],
            "additional_sources": record.get("additional_sources") or [],
            "as_of": record.get("as_of"),
            "verified": bool(record.get("verified")),
            "notes": record.get("notes") or "",
        }
        for name, field_value in fields.items():
            setattr(provision, name, field_value)
        _save_if_changed(provision, before, result)
        provisions[provision.slug] = provision
        result.provisions += 1
    return provisions


def _cell_citations(
    code: str, rule: dict[str, Any], provisions: dict[str, Provision]
) -> list[Provision]:
    cited = []
    for reference in rule.get("cite", []):
        slug, _sep, only_for = reference.partition(":")
        if only_for and only_for != code:
            continue
        provision = provisions.get(slug.replace("{c}", code.lower()))
        if provision is not None and provision not in cited:
            cited.append(provision)
    return cited


def _cell_text(code: str, rule: dict[str, Any], cited: list[Provision]) -> str:
    """A member state's statement: its national summaries, or an honest "not
    yet documented", then the row's text or each EU entry as the EU minimum."""
    summaries = {p: p.summary_en for p in cited}  # type: ignore[attr-defined]
    if code == "EU":
        return rule.get("text") or " ".join(summaries.values())
    national = [summaries[p] for p in cited if p.country == code]
    parts = national or ["The national rules are not yet documented here."]
    if rule.get("text"):
        return " ".join([*parts, rule["text"]])
    eu = [summaries[p] for p in cited if p.country == "EU"]
    return " ".join([*parts, *(f"EU minimum: {text}" for text in eu)])


def _matrix_load(
    path: Path, provisions: dict[str, Provision], result: LoadResult
) -> None:
    plan = json.loads(path.read_text(encoding="utf-8"))
    for code in [*plan["countries"], "EU"]:
        profile, created = CountryProfile.objects.get_or_create(code=code)
        if created:
            version_record(instance=profile)
        rules = plan["eu"] if code == "EU" else plan["member_state"]
        for topic in RightTopic:
            rule = rules.get(topic.value, {"cite": []})
            cited = _cell_citations(code, rule, provisions)
            cell = RightsCell.objects.filter(profile=profile, topic=topic).first()
            before = None if cell is None else snapshot(cell)
            cell = cell or RightsCell(profile=profile, topic=topic)
            value = _reflection_days(cited) if topic == "reflection_period" else None
            cell.value = value
            cell.value_unit = "days" if value is not None else ""
            cell.text_en = _cell_text(code, rule, cited) if cited else ""  # type: ignore[attr-defined]
            cell.verified = bool(cited) and all(p.verified for p in cited)
            # Without any source the reader is told so ("not documented").
            cell.status = CellStatus.PUBLISHED if cited else CellStatus.UNDOCUMENTED
            cell.reviewed_by = REFERENCE_REVIEWER if cited else ""
            cell.reviewed_on = REFERENCE_COMPILED_ON if cited else None
            _save_if_changed(cell, before, result)
            current = list(cell.citations.all())
            if current != cited:
                Citation.objects.filter(cell=cell).delete()
                Citation.objects.bulk_create(
                    Citation(cell=cell, provision=p, order=i)
                    for i, p in enumerate(cited)
                )
            result.cells += 1
            result.published += bool(cited)


def _reflection_days(cited: list[Provision]) -> int | None:
    for provision in cited:
        if provision.topic == "reflection_period" and provision.value.isdigit():
            return int(provision.value)
    return None


def _practices_load(path: Path, result: LoadResult) -> None:
    for record in json.loads(path.read_text(encoding="utf-8")):
        practice = GoodPractice.objects.filter(slug=record["slug"]).first()
        before = None if practice is None else snapshot(practice)
        practice = practice or GoodPractice(slug=record["slug"])
        for name in ("title", "context", "practice", "results", "transferability"):
            setattr(practice, f"{name}_en", record.get(name, ""))
        practice.countries = record["countries"]
        practice.topic = record["topic"]
        practice.sources = record["sources"]
        practice.status = PracticeStatus.PUBLISHED
        practice.contact_organization = Organization.objects.filter(
            slug=record.get("contact_organization") or ""
        ).first()
        _save_if_changed(practice, before, result)
        result.practices += 1


def _handbook_load(directory: Path, result: LoadResult) -> None:
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    for number, entry in enumerate(index, start=1):
        title, sections = handbook_sections(
            (directory / entry["file"]).read_text(encoding="utf-8")
        )
        chapter = HandbookChapter.objects.filter(slug=entry["slug"]).first()
        before = None if chapter is None else snapshot(chapter)
        chapter = chapter or HandbookChapter(slug=entry["slug"])
        chapter.number = number
        chapter.title_en = title  # type: ignore[attr-defined]
        chapter.audiences = entry["audiences"]
        _save_if_changed(chapter, before, result)
        for section_number, (section_title, body) in enumerate(sections, start=1):
            slug = slugify(section_title)[:100]
            section = HandbookSection.objects.filter(chapter=chapter, slug=slug).first()
            if section is None:
                section = HandbookSection(
                    chapter=chapter,
                    slug=slug,
                    number=section_number,
                    title_en=section_title,
                    body_en=body,
                    audiences=entry["audiences"],
                )
                content_save(instance=section, user=None)
                result.changed += 1
            elif section.body_en != body or section.title_en != section_title:  # type: ignore[attr-defined]
                section_update(
                    section=section, title=section_title, body=body, user=None
                )
                result.changed += 1
            result.sections += 1


@transaction.atomic
def knowledge_load(*, data_dir: Path = DATA_DIR) -> LoadResult:
    """Load the legislation library, the rights matrices, the good practices and
    the handbook from the data files; loading twice changes nothing."""
    result = LoadResult()
    editors_group_sync()
    provisions = _provisions_load(data_dir / "legislation.json", result)
    _matrix_load(data_dir / "matrix.json", provisions, result)
    _practices_load(data_dir / "practices.json", result)
    _handbook_load(data_dir / "handbook", result)
    report, changed = translations_load(data_dir=data_dir)
    result.changed += changed
    result.translations = sum(report.loaded.values())
    result.stale_translations = sum(len(keys) for keys in report.stale.values())
    search.index_rebuild()
    return result
