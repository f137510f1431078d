from datetime import datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from relais.core.languages import validate_language_code
from relais.directory.forms import OrganizationSelect

from .documents import DocumentCheck, document_check
from .models import (
    ConsentKind,
    ConsentMethod,
    DeadlineKind,
    Outcome,
    Phase,
    Purpose,
    Urgency,
)

SEX_CHOICES = [
    ("", _("Not recorded")),
    ("female", _("Female")),
    ("male", _("Male")),
    ("other", _("Other")),
]
AGE_BANDS = [
    ("", _("Not recorded")),
    ("0-13", _("0–13")),
    ("14-17", _("14–17")),
    ("18-24", _("18–24")),
    ("25-34", _("25–34")),
    ("35-49", _("35–49")),
    ("50+", _("50 or older")),
]
PROCEEDINGS_ROLES = [
    ("", _("No proceedings")),
    ("victim", _("Victim")),
    ("civil_party", _("Civil party")),
    ("witness", _("Witness")),
    ("suspect", _("Suspect or accused (non-punishment to be raised)")),
]
MINOR_BANDS = {"0-13", "14-17"}


def _clean_text(value: str) -> str:
    """Text without control characters (line breaks and tabs stay)."""
    return "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()


def country_choices() -> list[tuple[str, Any]]:
    return [("", _("Not recorded")), *countries]


class PersonForm(forms.Form):
    """The person, minimised: every field but the situation is optional."""

    given_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    family_name = forms.CharField(
        label=_("Family name"), max_length=150, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), min_value=1900, required=False
    )
    age_band = forms.ChoiceField(
        label=_("Or age band"), choices=AGE_BANDS, required=False
    )
    is_minor = forms.BooleanField(label=_("The person is a child"), required=False)
    guardian = forms.CharField(
        label=_("Guardian (for a child)"), max_length=300, required=False
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), choices=country_choices, required=False
    )
    languages = forms.CharField(
        label=_("Languages the person speaks"),
        help_text=_("Language codes separated by commas, e.g. ro, en."),
        max_length=100,
        required=False,
    )
    interpreter_needed = forms.BooleanField(
        label=_("An interpreter is needed"), required=False
    )
    contact_channel = forms.CharField(
        label=_("Safe way to contact the person"),
        max_length=300,
        required=False,
        help_text=_("Only a channel the exploiters cannot read or answer."),
    )
    do_not_contact = forms.BooleanField(
        label=_("Do not contact the person directly"), required=False
    )
    situation = forms.CharField(
        label=_("Situation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Only what the receiving organisation needs to help."),
    )
    proceedings_country = forms.ChoiceField(
        label=_("Proceedings: country"),
        choices=country_choices,
        required=False,
    )
    proceedings_court = forms.CharField(
        label=_("Proceedings: court or authority"), max_length=300, required=False
    )
    proceedings_case_number = forms.CharField(
        label=_("Proceedings: case number"), max_length=100, required=False
    )
    proceedings_role = forms.ChoiceField(
        label=_("Proceedings: the person's role"),
        choices=PROCEEDINGS_ROLES,
        required=False,
    )
    proceedings_lawyer = forms.CharField(
        label=_("Proceedings: lawyer"), max_length=300, required=False
    )
    safety_concerns = forms.CharField(
        label=_("Safety concerns"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )

    def clean_languages(self) -> list[str]:
        codes = [
            code.strip().lower()
            for code in self.cleaned_data["languages"].split(",")
            if code.strip()
        ]
        for code in codes:
            validate_language_code(code)
        return codes

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data["birth_year"]
        if year is not None and year > timezone.localdate().year:
            raise ValidationError(_("The year of birth cannot be in the future."))
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = _clean_text(value)
        year = data.get("birth_year")
        if (year and timezone.localdate().year - year < 18) or data.get(
            "age_band"
        ) in MINOR_BANDS:
            data["is_minor"] = True
        return data

    def person(self) -> dict[str, Any]:
        """The person record to encrypt: only what was filled in."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in ("", None, [], False)
        }


class ReferralForm(forms.Form):
    sending_organization = forms.TypedChoiceField(
        label=_("Referred by"), coerce=str, choices=(), widget=OrganizationSelect
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    phase = forms.ChoiceField(
        label=_("Phase of the referral mechanism"), choices=Phase.choices
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["sending_organization"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), o.display_name) for o in organisations
        ]
        self.fields["sending_organization"].widget.organizations = self.organisations

    def sending(self) -> Any:
        return self.organisations[self.cleaned_data["sending_organization"]]


class ReferralEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    purposes = ReferralForm.base_fields["purposes"]
    urgency = ReferralForm.base_fields["urgency"]
    phase = ReferralForm.base_fields["phase"]


def language_choices() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


class ConsentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Consent"),
        choices=ConsentKind.choices,
        widget=forms.RadioSelect,
        initial=ConsentKind.CONSENT,
    )
    given_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.CharField(
        label=_("Language the person was informed in"),
        max_length=8,
        help_text=_("A language code, e.g. ro."),
    )
    method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=[("", "—"), *ConsentMethod.choices],
        required=False,
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes the person consented to"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for sending without consent"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, purposes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Purpose.choices)
        self.fields["purposes"].choices = [  # type: ignore[attr-defined]
            (code, labels[code]) for code in purposes if code in labels
        ]

    def clean_language(self) -> str:
        code = self.cleaned_data["language"].strip().lower()
        validate_language_code(code)
        return code


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.CharField(widget=forms.HiddenInput, max_length=30)
    note = forms.CharField(
        label=_("Note to the other organisation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    document = forms.FileField(
        label=_("Document (PDF, PNG or JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg"}
        ),
    )

    def clean_document(self) -> DocumentCheck | None:
        upload = self.cleaned_data.get("document")
        return document_check(upload) if upload else None

    def clean_body(self) -> str:
        return _clean_text(self.cleaned_data["body"])


class DeadlineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Deadline"), choices=DeadlineKind.choices)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=_("Local time"),
        initial=time(9, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    country = forms.ChoiceField(label=_("Country where it happens"), choices=())

    def __init__(self, *args: Any, country_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            (code, countries.name(code)) for code in country_codes
        ]

    def local_time(self) -> datetime:
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])


class CaseCodeForm(forms.Form):
    code = forms.CharField(label=_("Case code"), max_length=20)


class HandoverForm(forms.Form):
    """The password of a handover file: chosen by the sender, given by phone."""

    password = forms.CharField(
        label=_("Password of the file"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        min_length=12,
        max_length=128,
        help_text=_(
            "At least 12 characters, not a common password. Give it to the "
            "organisation another way than the file (by phone), never in the "
            "same e-mail."
        ),
    )
    password_again = forms.CharField(
        label=_("The password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth.password_validation import validate_password

        data = super().clean() or {}
        password = data.get("password")
        if password and password != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        elif password:
            try:
                validate_password(password)
            except ValidationError as error:
                self.add_error("password", error)
        return data
