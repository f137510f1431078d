"""Forms of the owners' edit page, the claim page, the coordinator's decision,
and the suggested corrections."""

from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from relais.accounts.models import Profession
from relais.core.dates import weekday_names
from relais.core.languages import _language_names, known_language_codes
from relais.directory.models import Schedule, TaxonomyTerm
from relais.directory.phones import short_number_digits

from .listing import FIELD_LABELS, TAXONOMY_OF, hours_sorted
from .models import CorrectionSuggestion

MAX_PHONES = 10
MAX_HOURS_ROWS = 14


def _term_choices(taxonomy: str) -> list[tuple[str, str]]:
    return [
        (term.code, term.name)
        for term in TaxonomyTerm.objects.filter(taxonomy__slug=taxonomy).order_by(
            "position", "code"
        )
    ]


class ListingEditForm(forms.Form):
    name = forms.CharField(label=FIELD_LABELS["name"], max_length=300)
    description = forms.CharField(
        label=FIELD_LABELS["description"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    website = forms.URLField(
        label=FIELD_LABELS["website"],
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    email = forms.EmailField(label=FIELD_LABELS["email"], required=False)
    accepts_referrals_from_abroad = forms.ChoiceField(
        label=FIELD_LABELS["accepts_referrals_from_abroad"],
        required=False,
        choices=[("", _("Not stated")), ("yes", _("Yes")), ("no", _("No"))],
    )
    address_1 = forms.CharField(label=_("Street and number"), required=False)
    address_2 = forms.CharField(label=_("Address (continued)"), required=False)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=20)
    city = forms.CharField(label=_("City"), required=False, max_length=200)
    address_country = forms.ChoiceField(label=_("Country"), required=False)
    address_professionals_only = forms.BooleanField(
        label=_("Show the address to signed-in professionals only"),
        required=False,
        help_text=_("Shelter addresses are usually for professionals only."),
    )
    languages = forms.CharField(
        label=FIELD_LABELS["languages"],
        required=False,
        help_text=_("Language codes or names, separated by commas, e.g. ro, bg, en."),
    )
    services = forms.MultipleChoiceField(
        label=FIELD_LABELS["services"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_forms = forms.MultipleChoiceField(
        label=FIELD_LABELS["exploitation_forms"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.MultipleChoiceField(
        label=FIELD_LABELS["target_groups"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, description_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if description_label:
            self.fields["description"].label = description_label
        self.fields["address_country"].choices = [("", "—"), *countries]  # type: ignore[attr-defined]
        for name, taxonomy in TAXONOMY_OF.items():
            self.fields[name].choices = _term_choices(taxonomy)  # type: ignore[attr-defined]
        for name in ("address_1", "address_2"):
            self.fields[name].max_length = 300  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Form initial data from listing values (`listing.listing_values`)."""
        address = values["address"]
        return {
            **{k: v for k, v in values.items() if k not in ("address", "languages")},
            "languages": ", ".join(values["languages"]),
            "address_1": address.get("address_1", ""),
            "address_2": address.get("address_2", ""),
            "postal_code": address.get("postal_code", ""),
            "city": address.get("city", ""),
            "address_country": address.get("country", ""),
            "address_professionals_only": address.get("professionals_only", False),
        }

    def clean_description(self) -> str:
        return self.cleaned_data["description"].replace("\r\n", "\n").strip()

    def clean_languages(self) -> list[str]:
        from django.utils.translation import get_language

        names = {
            name.casefold(): code
            for code, name in _language_names(get_language() or "en").items()
        }
        codes, unknown = set(), []
        for part in self.cleaned_data["languages"].split(","):
            word = part.strip()
            if not word:
                continue
            code = word.lower() if word.lower() in known_language_codes() else None
            code = code or names.get(word.casefold())
            if code is None:
                unknown.append(word)
            else:
                codes.add(code)
        if unknown:
            raise forms.ValidationError(
                _("Unknown language: %(names)s. Use codes such as ro, bg or en."),
                params={"names": ", ".join(unknown)},
                code="unknown_language",
            )
        return sorted(codes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = ("address_1", "address_2", "postal_code", "city")
        if any(data.get(part) for part in parts):
            if not data.get("city"):
                self.add_error("city", _("An address needs a city."))
            if not data.get("address_country"):
                self.add_error("address_country", _("An address needs a country."))
        return data

    def listing_values(
        self, phones: list[dict[str, Any]], opening_hours: dict[str, Any]
    ) -> dict[str, Any]:
        """The proposed listing, in the shape of `listing.listing_values`."""
        data = self.cleaned_data
        address: dict[str, Any] = {}
        if data.get("city"):
            address = {
                "address_1": data["address_1"],
                "address_2": data["address_2"],
                "postal_code": data["postal_code"],
                "city": data["city"],
                "country": data["address_country"],
                "professionals_only": data["address_professionals_only"],
            }
        return {
            "name": data["name"],
            "description": data["description"],
            "website": data["website"],
            "email": data["email"],
            "phones": phones,
            "address": address,
            "languages": data["languages"],
            "services": sorted(data["services"]),
            "exploitation_forms": sorted(data["exploitation_forms"]),
            "target_groups": sorted(data["target_groups"]),
            "accepts_referrals_from_abroad": data["accepts_referrals_from_abroad"],
            "opening_hours": opening_hours,
        }


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        help_text=_("Empty the number to remove it."),
    )
    description = forms.CharField(
        label=_("What it is for"), required=False, max_length=300
    )
    professionals_only = forms.BooleanField(
        label=_("Signed-in professionals only"), required=False
    )

    def __init__(
        self,
        *args: Any,
        region: str | None = None,
        description_label: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        if description_label:
            self.fields["description"].label = description_label

    def clean_number(self) -> str:
        typed = self.cleaned_data["number"].strip()
        if not typed:
            return ""
        short = short_number_digits(typed)
        if short is not None:
            if not self.region:
                raise forms.ValidationError(
                    _(
                        "A short number such as 116 111 can only be dialled "
                        "inside one country, and this listing has no country: "
                        "write the number in international form."
                    ),
                    code="short_number_without_country",
                )
            return short
        try:
            parsed = phonenumbers.parse(typed, self.region or None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise forms.ValidationError(
                _(
                    "Enter a phone number in international form, e.g. "
                    "+32 3 201 16 90, or a short number of 3 to 6 digits "
                    "such as 116 111."
                ),
                code="invalid_phone",
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


PhoneFormSet = forms.formset_factory(
    PhoneForm, extra=2, max_num=MAX_PHONES, validate_max=True
)


def phone_values(formset: Any) -> list[dict[str, Any]]:
    return [
        {
            "number": form.cleaned_data["number"],
            "description": form.cleaned_data.get("description", ""),
            "professionals_only": form.cleaned_data.get("professionals_only", False),
        }
        for form in formset.forms
        if form.cleaned_data.get("number")
    ]


class OpeningHoursForm(forms.Form):
    """One row of opening hours of a location or a service; an empty row is none."""

    days = forms.MultipleChoiceField(
        label=_("Days"), required=False, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.TimeField(
        label=_("Opens at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 09:00.")},
    )
    closes_at = forms.TimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 17:30.")},
    )
    description = forms.CharField(
        label=_("In words (optional)"),
        required=False,
        help_text=_("E.g. “by appointment”, “closed on public holidays”."),
    )
    valid_from = forms.DateField(
        label=_("From (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2027-01-31.")},
    )
    valid_to = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2027-12-31.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = weekday_names()  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in self.fields if name != "DELETE")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.is_blank():
            return data
        times = data.get("opens_at") or data.get("closes_at")
        # Hours in words may come with times but no days (HSDS imports).
        if times and not data.get("days") and not data.get("description"):
            self.add_error("days", _("Choose the days these hours are for."))
            return data
        # The model's own rules: closing after opening, both times, dates in
        # order, days and times or words.
        schedule = Schedule(
            byday=",".join(data.get("days") or []),
            opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"),
            description=data.get("description", ""),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
        )
        try:
            schedule.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields:
                    for message in messages:
                        self.add_error(field, message)
        return data

    def value(self) -> dict[str, Any]:
        """The row in the shape of `listing.schedule_value`."""
        data = self.cleaned_data
        return {
            "days": list(data.get("days") or []),
            "opens_at": data["opens_at"].strftime("%H:%M") if data["opens_at"] else "",
            "closes_at": (
                data["closes_at"].strftime("%H:%M") if data["closes_at"] else ""
            ),
            "description": " ".join(data.get("description", "").split()),
            "valid_from": data["valid_from"].isoformat() if data["valid_from"] else "",
            "valid_to": data["valid_to"].isoformat() if data["valid_to"] else "",
        }


OpeningHoursFormSet = forms.formset_factory(
    OpeningHoursForm,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_HOURS_ROWS,
    validate_max=True,
)


def opening_hours_values(formsets: list[tuple[str, Any]]) -> dict[str, Any]:
    """{target key: rows} from one formset per location or service, without
    removed or empty rows and without targets that have none."""
    hours = {}
    for key, formset in formsets:
        rows = [
            form.value()
            for form in formset.forms
            if not (formset.can_delete and formset._should_delete_form(form))
            and not form.is_blank()
        ]
        if rows:
            hours[key] = hours_sorted(rows)
    return hours


class ClaimForm(forms.Form):
    profession = forms.ChoiceField(
        label=_("Your profession"), choices=Profession.choices
    )
    message = forms.CharField(
        label=_("How are you linked to this organisation?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Your position there, and how the coordinator can check it (e.g. the "
            "organisation's switchboard). Nothing about the people you assist."
        ),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why, so that the person can put it right."))
        return data


class SuggestionForm(forms.Form):
    section = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=[
            ("", _("Choose a part of the listing")),
            *CorrectionSuggestion.Section.choices,
        ],
        error_messages={
            "required": _("Choose the part of the listing that is wrong."),
            "invalid_choice": _("Choose the part of the listing that is wrong."),
        },
    )
    correction = forms.CharField(
        label=_("What is correct?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the listing should say, and how you know. Nothing about the "
            "people you assist."
        ),
        error_messages={"required": _("Say what the listing should say.")},
    )
    source_url = forms.URLField(
        label=_("Source (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "A page that shows the correct details, e.g. the organisation's own site."
        ),
        error_messages={
            "invalid": _("Enter a web address, e.g. https://www.example.org/contact.")
        },
    )


class SuggestionAnswerForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (CorrectionSuggestion.Status.DONE, _("Mark done")),
            (CorrectionSuggestion.Status.DECLINED, _("Decline")),
        ],
        widget=forms.HiddenInput,
    )
    response = forms.CharField(
        label=_("Note to the person who suggested it (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They read it on Relais; it is not e-mailed."),
    )
