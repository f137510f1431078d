from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .services import UPLOAD_SUFFIXES


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "HSDS JSON (.json, .ndjson), an HSDS data package (.zip), or the "
            "listing template (.csv, .xlsx)."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the names and descriptions"),
        choices=settings.LANGUAGES,
        initial="en",
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(
                _("Import a .json, .ndjson, .zip, .csv or .xlsx file.")
            )
        limit = settings.RELAIS_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1e6, 1), "limit": round(limit / 1e6, 1)}
            )
        return upload
