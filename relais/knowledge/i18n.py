"""Translations of the shipped knowledge base, loaded from data/i18n/<lang>/.

English is the source text. Each language directory holds the translated
texts and `sources.json`, which records, for every translated item, a
fingerprint (`source_hash`) of the English text it was translated from:

    i18n/<lang>/handbook/<file>.md   same `## ` sections, same order, as English
    i18n/<lang>/practices.json       {slug: {field: text}}
    i18n/<lang>/legislation.json     {id: summary}
    i18n/<lang>/citations.json       {id: {"instrument": title, "article": text}}
    i18n/<lang>/matrix.json          {"member_state"|"eu": {topic: text}}
    i18n/<lang>/sources.json         {item key: fingerprint of the English}

A translation whose English source has changed since (its fingerprint no
longer matches) is stale. A stale handbook section is loaded and shown with
the "translation out of date" warning; a stale statement of law (legislation
summary, matrix cell) or good practice is not used: the reader sees the
current English text, marked lang="en". `relais check-translations` lists
what is missing or stale, and `--stamp` records the fingerprints once a
translation has been refreshed.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext

from relais.directory.services import snapshot

from .models import (
    GoodPractice,
    HandbookChapter,
    Provision,
    RightsCell,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCES_FILE = "sources.json"
PRACTICE_FIELDS = ("title", "context", "practice", "results", "transferability")
# A cited instrument's title and article reference, on the rights sheet too.
CITATION_FIELDS = ("instrument", "article")


def translation_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def source_hash(text: str) -> str:
    """Fingerprint of an English source text (whitespace at the ends ignored)."""
    return hashlib.sha256((text or "").strip().encode("utf-8")).hexdigest()[:16]


def section_source_hash(title: str, body: str) -> str:
    return source_hash(f"{title.strip()}\n\n{body.strip()}")


def handbook_sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a chapter file into its `# title` and its `## ` sections."""
    title = ""
    sections: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("## "):
            current = (line[3:].strip(), [])
            sections.append(current)
        elif current is not None:
            current[1].append(line)
    return title, [(t, "\n".join(body).strip() + "\n") for t, body in sections]


@dataclass
class TranslationReport:
    """Per language: items loaded, stale (English changed since) and missing."""

    loaded: dict[str, int] = field(default_factory=dict)
    stale: dict[str, list[str]] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)

    def add(self, language: str, key: str, state: str) -> None:
        if state == "loaded":
            self.loaded[language] = self.loaded.get(language, 0) + 1
        elif state == "stale":
            self.stale.setdefault(language, []).append(key)
        else:
            self.missing.setdefault(language, []).append(key)


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    return json.loads(path.read_text(encoding="utf-8"))


# The English source of every translatable item ---------------------------------


@dataclass
class SourceItem:
    key: str
    english: str
    fingerprint: str


def english_items(data_dir: Path = DATA_DIR) -> Iterator[SourceItem]:
    """Every translatable English text of the data files, with its key."""
    directory = data_dir / "handbook"
    for entry in _read_json(directory / "index.json", []):
        title, sections = handbook_sections(
            (directory / entry["file"]).read_text(encoding="utf-8")
        )
        yield SourceItem(f"handbook/{entry['slug']}", title, source_hash(title))
        for section_title, body in sections:
            key = f"handbook/{entry['slug']}/{slugify(section_title)[:100]}"
            text = f"{section_title}\n\n{body}"
            yield SourceItem(key, text, section_source_hash(section_title, body))
    for record in _read_json(data_dir / "practices.json", []):
        for name in PRACTICE_FIELDS:
            if record.get(name):
                key = f"practices/{record['slug']}/{name}"
                yield SourceItem(key, record[name], source_hash(record[name]))
    for record in _read_json(data_dir / "legislation.json", []):
        key = f"legislation/{record['id']}"
        yield SourceItem(key, record["summary"], source_hash(record["summary"]))
        for name in CITATION_FIELDS:
            if record.get(name):
                key = f"citations/{record['id']}/{name}"
                yield SourceItem(key, record[name], source_hash(record[name]))
    plan = _read_json(data_dir / "matrix.json", {})
    for scope in ("member_state", "eu"):
        for topic, rule in (plan.get(scope) or {}).items():
            if rule.get("text"):
                key = f"matrix/{scope}/{topic}"
                yield SourceItem(key, rule["text"], source_hash(rule["text"]))


def translated_texts(language: str, data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Every translated text of one language's files, by item key."""
    directory = data_dir / "i18n" / language
    texts: dict[str, str] = {}
    for entry in _read_json(data_dir / "handbook" / "index.json", []):
        path = directory / "handbook" / entry["file"]
        if not path.is_file():
            continue
        _title, english = handbook_sections(
            (data_dir / "handbook" / entry["file"]).read_text(encoding="utf-8")
        )
        title, sections = handbook_sections(path.read_text(encoding="utf-8"))
        texts[f"handbook/{entry['slug']}"] = title
        if len(sections) != len(english):
            continue  # the structure changed: no section can be paired
        for (en_title, _body), (tr_title, tr_body) in zip(
            english, sections, strict=True
        ):
            key = f"handbook/{entry['slug']}/{slugify(en_title)[:100]}"
            texts[key] = f"{tr_title}\n\n{tr_body}"
    for slug, fields in _read_json(directory / "practices.json", {}).items():
        for name, text in fields.items():
            texts[f"practices/{slug}/{name}"] = text
    for slug, text in _read_json(directory / "legislation.json", {}).items():
        texts[f"legislation/{slug}"] = text
    for slug, fields in _read_json(directory / "citations.json", {}).items():
        for name, text in fields.items():
            texts[f"citations/{slug}/{name}"] = text
    matrix = _read_json(directory / "matrix.json", {})
    for scope in ("member_state", "eu"):
        for topic, text in (matrix.get(scope) or {}).items():
            texts[f"matrix/{scope}/{topic}"] = text
    return texts


def translation_states(
    language: str, data_dir: Path = DATA_DIR
) -> list[tuple[str, str]]:
    """(key, "loaded" | "stale" | "missing") for every English item."""
    sources = _read_json(data_dir / "i18n" / language / SOURCES_FILE, {})
    texts = translated_texts(language, data_dir)
    states = []
    for item in english_items(data_dir):
        if not texts.get(item.key, "").strip():
            states.append((item.key, "missing"))
        elif sources.get(item.key) != item.fingerprint:
            states.append((item.key, "stale"))
        else:
            states.append((item.key, "loaded"))
    return states


def sources_stamp(language: str, data_dir: Path = DATA_DIR) -> int:
    """Record that every translated item of `language` now translates the
    current English text (run after refreshing a translation); returns the
    number of items stamped."""
    path = data_dir / "i18n" / language / SOURCES_FILE
    texts = translated_texts(language, data_dir)
    sources = {
        item.key: item.fingerprint
        for item in english_items(data_dir)
        if texts.get(item.key, "").strip()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(sources, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return len(sources)


# Loading into the database ----------------------------------------------------


@dataclass
class LanguageFiles:
    language: str
    sources: dict[str, str]
    texts: dict[str, str]
    states: dict[str, str]


def _save_if_changed(instance: models.Model, before: dict[str, str]) -> bool:
    from .services import version_record

    if snapshot(instance) == before:
        return False
    instance.full_clean()
    instance.save()
    version_record(instance=instance)
    return True


def translations_load(
    *, data_dir: Path = DATA_DIR, languages: list[str] | None = None
) -> tuple[TranslationReport, int]:
    """Fill the `_<lang>` fields from the translation files; returns the
    report and the number of records changed (each saved once, all languages
    together, as one version). Loading twice changes nothing."""
    report = TranslationReport()
    files = []
    for language in languages or translation_languages():
        states = dict(translation_states(language, data_dir))
        for key, state in states.items():
            report.add(language, key, state)
        files.append(
            LanguageFiles(
                language=language,
                sources=_read_json(data_dir / "i18n" / language / SOURCES_FILE, {}),
                texts=translated_texts(language, data_dir),
                states=states,
            )
        )
    changed = _handbook_translations(files)
    changed += _practice_translations(files)
    changed += _provision_translations(files)
    changed += _cell_translations(files, data_dir)
    return report, changed


def _handbook_translations(files: list[LanguageFiles]) -> int:
    changed = 0
    for chapter in HandbookChapter.objects.prefetch_related("sections"):
        before = snapshot(chapter)
        for f in files:
            title = f.texts.get(f"handbook/{chapter.slug}")
            if title:
                setattr(chapter, f"title_{f.language}", title)
        changed += _save_if_changed(chapter, before)
        for section in chapter.sections.all():
            key = f"handbook/{chapter.slug}/{section.slug}"
            before = snapshot(section)
            for f in files:
                if f.states.get(key, "missing") == "missing":
                    continue
                title, _sep, body = f.texts[key].partition("\n\n")
                setattr(section, f"title_{f.language}", title.strip())
                setattr(section, f"body_{f.language}", body.strip() + "\n")
                # The fingerprint of the English it translates: when it differs
                # from the current English, the page says the translation is out
                # of date (HandbookSection.translation_out_of_date).
                section.translated_from = {
                    **(section.translated_from or {}),
                    f.language: f.sources.get(key, ""),
                }
            changed += _save_if_changed(section, before)
    return changed


def _practice_translations(files: list[LanguageFiles]) -> int:
    changed = 0
    for practice in GoodPractice.objects.all():
        before = snapshot(practice)
        for f in files:
            for name in PRACTICE_FIELDS:
                key = f"practices/{practice.slug}/{name}"
                state = f.states.get(key)
                if state == "loaded":
                    setattr(practice, f"{name}_{f.language}", f.texts[key])
                elif state == "stale":
                    setattr(practice, f"{name}_{f.language}", "")
        changed += _save_if_changed(practice, before)
    return changed


def _provision_translations(files: list[LanguageFiles]) -> int:
    changed = 0
    for provision in Provision.objects.all():
        before = snapshot(provision)
        targets = [(f"legislation/{provision.slug}", "summary")] + [
            (f"citations/{provision.slug}/{name}", name) for name in CITATION_FIELDS
        ]
        for f in files:
            for key, name in targets:
                state = f.states.get(key)
                if state is not None:
                    value = f.texts[key] if state == "loaded" else ""
                    setattr(provision, f"{name}_{f.language}", value)
                elif name in CITATION_FIELDS:
                    # No English any more (the record lost its title or
                    # article): no translation of it either.
                    setattr(provision, f"{name}_{f.language}", "")
        changed += _save_if_changed(provision, before)
    return changed


def _cell_translations(files: list[LanguageFiles], data_dir: Path) -> int:
    """A cell written in matrix.json takes its translation from the language's
    matrix.json; a cell made of the cited summaries is made of their
    translations, when every one of them is translated and current."""
    plan = _read_json(data_dir / "matrix.json", {})
    changed = 0
    cells = RightsCell.objects.select_related("profile").prefetch_related(
        "citation_set__provision"
    )
    for cell in cells:
        code = cell.profile.code
        scope = "eu" if code == "EU" else "member_state"
        rule = (plan.get(scope) or {}).get(cell.topic, {})
        cited = [c.provision for c in cell.citation_set.all()]
        before = snapshot(cell)
        for f in files:
            if not cell.text_en:  # type: ignore[attr-defined]
                value = ""
            elif rule.get("text"):
                key = f"matrix/{scope}/{cell.topic}"
                value = f.texts[key] if f.states.get(key) == "loaded" else ""
            else:
                value = _composed_text(f.language, code, cited)
            setattr(cell, f"text_{f.language}", value)
        changed += _save_if_changed(cell, before)
    return changed


def _composed_text(language: str, code: str, cited: list[Provision]) -> str:
    """The translated counterpart of services._cell_text, or "" when any
    summary it is made of has no current translation."""
    summaries = {p.pk: getattr(p, f"summary_{language}", "") or "" for p in cited}
    if not all(summaries.values()):
        return ""
    if code == "EU":
        return " ".join(summaries[p.pk] for p in cited)
    national = [summaries[p.pk] for p in cited if p.country == code]
    eu = [summaries[p.pk] for p in cited if p.country == "EU"]
    with translation.override(language):
        parts = national or [gettext("The national rules are not yet documented here.")]
        parts += [gettext("EU minimum: %(text)s") % {"text": text} for text in eu]
    return " ".join(parts)
