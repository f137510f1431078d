"""Importing a file into the directory: all or nothing, idempotent, with provenance."""

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.audit.services import audit_record
from relais.directory.services import listings_analyze
from relais.opendata.audit_actions import OpenDataAction

from .apply import Applier
from .apply.values import MODELS
from .findings import Findings, ImportFailed
from .models import ImportedRecord, ImportRun
from .readers import Limits, SourceRejected, file_format, read


@dataclass
class ImportResult:
    run: ImportRun
    findings: Findings
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.findings.errors == 0

    def totals(self) -> dict[str, int]:
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        for per_table in self.counts.values():
            for outcome, n in per_table.items():
                totals[outcome] = totals.get(outcome, 0) + n
        return totals


class _DryRun(Exception):
    pass


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    files = (
        sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    )
    for item in files:
        with item.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The objects alive before the import left out of the garbage collector's work.

    Every full collection walks all tracked objects; Django and the
    application leave hundreds of thousands of them, and a large import
    triggers dozens of full collections (about a sixth of its time at 100,000
    organisations). What the import itself creates is collected too, less
    often: it allocates millions of short-lived rows and values.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def import_page_cache() -> Iterator[None]:
    """On SQLite, a larger page cache for the import's connection, then the old one.

    An import writes into every index of half a dozen tables; with SQLite's
    default 2 MB cache the same index pages are fetched again and again.
    """
    if connection.vendor != "sqlite":
        yield
        return
    megabytes = int(settings.RELAIS_IMPORT_SQLITE_CACHE_MB)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        # Integers only (int() above and SQLite's own answer): no injection.
        cursor.execute(f"PRAGMA cache_size = {-1024 * megabytes:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous):d}")


def written_tables() -> list[str]:
    """The tables an import writes, whose references COMMIT checks."""
    from relais.directory.models import ChangeRecord, SearchDocument, SearchFacet

    models: set[type[Model]] = {
        *MODELS.values(),
        ChangeRecord,
        SearchDocument,
        SearchFacet,
        ImportedRecord,
    }
    return sorted(m._meta.db_table for m in models)


def import_language(language: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def refused(findings: Findings, name: str, exc: DatabaseError) -> None:
    findings.error(
        (name, None),
        "",
        _("The database refused the data: %(problem)s") % {"problem": str(exc)[:300]},
    )


def import_file(
    *,
    path: Path,
    name: str | None = None,
    user: Any = None,
    updated_by: str = "",
    dry_run: bool = False,
    language: str | None = None,
    limits: Limits | None = None,
    run: ImportRun | None = None,
    request: Any = None,
) -> ImportResult:
    """Import the file (or datapackage folder) at `path`.

    Any error finding rolls everything back, the search index included; a dry
    run always does. The ImportRun row records the attempt either way.
    """
    name = name or path.name
    language = import_language(language)
    label = updated_by or (getattr(user, "email", "") if user is not None else "")
    label = label or "relais import"
    if run is None:
        run = ImportRun.objects.create(
            file_name=name[:300],
            checksum=file_checksum(path),
            size=path.stat().st_size if path.is_file() else 0,
            file_format=file_format(path),
            language=language,
            created_by=user if getattr(user, "pk", None) else None,
            created_by_label=label[:300],
            status=ImportRun.Status.DRY_RUN,
        )
    findings = Findings()
    applier = Applier(run=run, findings=findings, language=language, updated_by=label)
    try:
        with frozen_heap(), import_page_cache(), transaction.atomic():
            try:
                for table, rows in read(
                    path, name, findings, limits or Limits.from_settings()
                ):
                    applier.apply(table, rows)
                applier.finish()
                if dry_run and not findings.errors:
                    # What COMMIT would check (deferred foreign keys), checked
                    # now: a preview never promises what the import then refuses.
                    connection.check_constraints(table_names=written_tables())
            except SourceRejected:
                pass
            except DatabaseError as exc:
                # A constraint the checks above did not foresee: reported, never a 500.
                refused(findings, name, exc)
            if findings.errors:
                raise ImportFailed
            if dry_run:
                raise _DryRun
    except (ImportFailed, _DryRun):
        pass
    except DatabaseError as exc:
        # Deferred constraints (foreign keys) are checked at COMMIT, which then
        # rolls everything back.
        refused(findings, name, exc)
    result = ImportResult(run=run, findings=findings, counts=applier.counts)
    if findings.errors:
        run.status = ImportRun.Status.REJECTED
    elif dry_run:
        run.status = (
            ImportRun.Status.PREVIEWED if run.pending_path else ImportRun.Status.DRY_RUN
        )
    else:
        run.status = ImportRun.Status.APPLIED
    run.counts = {**applier.counts, "_totals": result.totals()}
    run.findings = findings.as_json()
    run.finished_at = timezone.now()
    run.save()
    if run.status == ImportRun.Status.APPLIED:
        # An import can add 100,000 listings at once: the planner needs to know.
        listings_analyze()
        audit_record(
            action=OpenDataAction.DIRECTORY_IMPORT,
            actor=user,
            request=request,
            target=run,
            details={"file_format": run.file_format, **result.totals()},
        )
    return result


# Uploads in the administration: preview, then confirm ----------------------------

UPLOAD_SUFFIXES = {".json", ".ndjson", ".jsonl", ".zip", ".csv", ".xlsx"}


def _pending_path(run: ImportRun, suffix: str) -> Path:
    folder = Path(settings.RELAIS_IMPORT_PENDING_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The stored name is the run's id, never the uploaded name (no path tricks).
    return folder / f"{run.pk}{suffix}"


def import_upload_preview(
    *, upload: Any, user: Any, language: str | None = None
) -> ImportResult:
    """Keep an uploaded file privately and check it without changing anything."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValueError(suffix)
    run = ImportRun.objects.create(
        file_name=Path(upload.name).name[:300],
        checksum="",
        size=upload.size,
        file_format=file_format(Path(upload.name)),
        language=import_language(language),
        created_by=user,
        created_by_label=getattr(user, "email", "")[:300],
        status=ImportRun.Status.PREVIEWED,
    )
    path = _pending_path(run, suffix)
    with path.open("xb") as out:
        path.chmod(0o600)
        for chunk in upload.chunks():
            out.write(chunk)
    run.checksum = file_checksum(path)
    run.pending_path = str(path)
    run.save(update_fields=["checksum", "pending_path"])
    result = import_file(
        path=path,
        name=run.file_name,
        user=user,
        dry_run=True,
        language=run.language,
        run=run,
    )
    if not result.ok:
        _discard_pending(run)
    return result


def _discard_pending(run: ImportRun) -> None:
    if run.pending_path:
        Path(run.pending_path).unlink(missing_ok=True)
        run.pending_path = ""
        run.save(update_fields=["pending_path"])


def import_confirm(*, run: ImportRun, user: Any, request: Any = None) -> ImportResult:
    """Apply a previewed upload; the kept file is deleted whatever the outcome."""
    path = Path(run.pending_path)
    # Claimed with a conditional UPDATE: two confirmations never both apply.
    claimed = ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.PREVIEWED, pending_path=str(path)
    ).update(pending_path="")
    if not claimed or not run.pending_path:
        raise ValueError(run.status)
    run.pending_path = ""
    try:
        if not path.exists() or file_checksum(path) != run.checksum:
            raise ValueError("pending file changed")
        return import_file(
            path=path,
            name=run.file_name,
            user=user,
            language=run.language,
            run=run,
            request=request,
        )
    finally:
        path.unlink(missing_ok=True)


def import_cancel(*, run: ImportRun) -> None:
    _discard_pending(run)
    if run.status == ImportRun.Status.PREVIEWED:
        run.status = ImportRun.Status.CANCELLED
        run.save(update_fields=["status"])
