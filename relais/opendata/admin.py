"""Imports in the administration: upload → preview with findings → confirm."""

from typing import Any

import rules
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .forms import ImportUploadForm
from .models import ImportRun
from .services import import_cancel, import_confirm, import_upload_preview
from .template import template_csv, template_xlsx


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "status", "created_by_label", "totals"]
    list_filter = ["status", "file_format"]
    search_fields = ["file_name", "checksum", "created_by_label"]
    readonly_fields = [
        "file_name",
        "checksum",
        "size",
        "file_format",
        "language",
        "created_at",
        "finished_at",
        "created_by_label",
        "status",
        "counts",
        "findings",
    ]
    exclude = ["pending_path", "created_by"]
    change_list_template = "opendata/admin/change_list.html"

    @admin.display(description=gettext_lazy("created / updated / unchanged"))
    def totals(self, run: ImportRun) -> str:
        totals = run.counts.get("_totals", {})
        return " / ".join(
            str(totals.get(k, 0)) for k in ("created", "updated", "unchanged")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.has_perm("opendata.import", request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return rules.has_perm("opendata.import", request.user)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._check(request)
        return redirect("admin:imports_preview", run_id=object_id)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="imports_upload"),
            path(
                "template.<str:kind>",
                view(self.template_view),
                name="imports_template",
            ),
            path(
                "<uuid:run_id>/preview/",
                view(self.preview_view),
                name="imports_preview",
            ),
            path(
                "<uuid:run_id>/confirm/",
                view(require_POST(self.confirm_view)),
                name="imports_confirm",
            ),
            path(
                "<uuid:run_id>/cancel/",
                view(require_POST(self.cancel_view)),
                name="imports_cancel",
            ),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not rules.has_perm("opendata.import", request.user):
            raise PermissionDenied

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            **extra,
        }

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = import_upload_preview(
                upload=form.cleaned_data["file"],
                user=request.user,
                language=form.cleaned_data["language"],
            )
            return redirect("admin:imports_preview", run_id=result.run.pk)
        return TemplateResponse(
            request,
            "opendata/admin/upload.html",
            self._context(request, form=form, title=_("Import directory data")),
        )

    def template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        self._check(request)
        if kind == "csv":
            response = HttpResponse(template_csv(), content_type="text/csv")
        elif kind == "xlsx":
            response = HttpResponse(
                template_xlsx(),
                content_type=(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                ),
            )
        else:
            raise PermissionDenied
        response["Content-Disposition"] = (
            f'attachment; filename="relais-listings-template.{kind}"'
        )
        return response

    def preview_view(self, request: HttpRequest, run_id: Any) -> HttpResponse:
        self._check(request)
        run = get_object_or_404(ImportRun, pk=run_id)
        counts = sorted(
            (table, c) for table, c in run.counts.items() if not table.startswith("_")
        )
        return TemplateResponse(
            request,
            "opendata/admin/preview.html",
            self._context(
                request,
                run=run,
                counts=counts,
                totals=run.counts.get("_totals", {}),
                errors=[f for f in run.findings if f["level"] == "error"],
                warnings=[f for f in run.findings if f["level"] != "error"],
                can_confirm=run.status == ImportRun.Status.PREVIEWED
                and bool(run.pending_path),
                title=_("Import of %(file)s") % {"file": run.file_name},
            ),
        )

    def confirm_view(self, request: HttpRequest, run_id: Any) -> HttpResponse:
        self._check(request)
        run = get_object_or_404(ImportRun, pk=run_id)
        try:
            result = import_confirm(run=run, user=request.user, request=request)
        except ValueError:
            messages.error(
                request,
                _("This import can no longer be confirmed; upload the file again."),
            )
            return redirect("admin:imports_preview", run_id=run.pk)
        if result.ok:
            totals = result.totals()
            messages.success(
                request,
                _(
                    "Imported: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % totals,
            )
        else:
            messages.error(request, _("The import was refused: nothing was changed."))
        return redirect("admin:imports_preview", run_id=run.pk)

    def cancel_view(self, request: HttpRequest, run_id: Any) -> HttpResponse:
        self._check(request)
        run = get_object_or_404(ImportRun, pk=run_id)
        import_cancel(run=run)
        messages.info(request, _("The import was cancelled and the file deleted."))
        return redirect(reverse("admin:opendata_importrun_changelist"))
