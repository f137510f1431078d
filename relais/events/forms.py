import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from relais.accounts.models import Profession
from relais.core.languages import language_name
from relais.directory.forms import OrganizationChoiceField
from relais.directory.models import Location, Organization
from relais.knowledge.models import GoodPractice, HandbookSection, PracticeStatus

from .models import Event, EventFormat, EventKind, EventVisibility, Feedback

MAX_PDF_BYTES = 10 * 1024 * 1024


def _field(form: forms.Form, name: str) -> Any:
    """A form field, typed loosely enough to set its choices or queryset."""
    return form.fields[name]


def _language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code, _name in settings.LANGUAGES]


class EventFilterForm(forms.Form):
    WHEN = [("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))]

    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    when = forms.ChoiceField(label=_("When"), required=False, choices=WHEN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        _field(self, "country").choices = everything + list(countries)
        _field(self, "kind").choices = everything + list(EventKind.choices)
        _field(self, "audience").choices = everything + list(Profession.choices)
        _field(self, "language").choices = everything + _language_choices()

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"when": "upcoming"}
        values = {k: v or "" for k, v in self.cleaned_data.items()}
        values["when"] = values.get("when") or "upcoming"
        return values


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class EventForm(forms.Form):
    """A new event; times are read in the venue's time zone."""

    organiser: Any = OrganizationChoiceField(
        label=_("Organised by"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=120,
        help_text=_("Letters, digits and hyphens, e.g. training-bucharest-2027."),
    )
    venue = forms.ModelChoiceField(
        label=_("Venue (a location in the directory)"),
        queryset=Location.objects.none(),
        required=False,
    )
    city = forms.CharField(label=_("City"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    online_url = forms.URLField(
        label=_("Link to join online"),
        required=False,
        help_text=_("Shown only to confirmed participants."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone of the venue"))
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    registration_deadline = LocalDateTimeField(
        label=_("Registration deadline"), required=False
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100_000)
    waitlist = forms.BooleanField(
        label=_("Waiting list when full"), required=False, initial=True
    )
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"),
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the event"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    interpretation = forms.MultipleChoiceField(
        label=_("Interpretation offered into"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=EventVisibility.choices
    )
    good_practices: Any = forms.ModelMultipleChoiceField(
        label=_("Good practices discussed"),
        queryset=GoodPractice.objects.filter(status=PracticeStatus.PUBLISHED),
        required=False,
    )
    handbook_sections: Any = forms.ModelMultipleChoiceField(
        label=_("Handbook sections discussed"),
        queryset=HandbookSection.objects.select_related("chapter"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        locations: Any,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            # The address and the organiser stay what they were; a language
            # the event has no title in yet may stay without one.
            del self.fields["organiser"]
            del self.fields["slug"]
            self.fields["title"].required = False
        else:
            _field(self, "organiser").queryset = organisations
        _field(self, "venue").queryset = locations
        _field(self, "country").choices = [("", "—"), *list(countries)]
        _field(self, "time_zone").choices = [
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]
        self.fields["time_zone"].initial = "Europe/Brussels"
        _field(self, "languages").choices = _language_choices()
        _field(self, "interpretation").choices = _language_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone_name = data.get("time_zone") or "UTC"
        zone = zoneinfo.ZoneInfo(zone_name)
        for name in ("starts_at", "ends_at", "registration_deadline"):
            moment: datetime | None = data.get(name)
            if moment is not None:
                data[name] = moment.replace(tzinfo=zone)
        venue = data.get("venue")
        if venue is not None and not data.get("city"):
            address = venue.addresses.first()
            if address is not None:
                data["city"] = address.city
                data["country"] = data.get("country") or str(address.country)
        self._check_time_zone(data)
        return data

    def _check_time_zone(self, data: dict[str, Any]) -> None:
        """A venue's time zone must be one of its country's (CLDR's list)."""
        from babel.core import get_global

        country = data.get("country") or ""
        zone = data.get("time_zone") or ""
        if data.get("format") == EventFormat.ONLINE or not country or not zone:
            return
        zones = list(get_global("territory_zones").get(country, []))
        if zones and zone not in zones:
            self.add_error(
                "time_zone",
                _("A venue in %(country)s is in one of these time zones: %(zones)s.")
                % {"country": countries.name(country), "zones": ", ".join(zones)},
            )

    def event_values(self) -> dict[str, Any]:
        """The model's fields; the title and summary in the writer's language."""
        data = dict(self.cleaned_data)
        data.pop("organiser", None)
        language = get_language() or settings.LANGUAGE_CODE
        title = data.pop("title")
        if title or not self.editing:
            data[f"title_{language}"] = title
        data[f"summary_{language}"] = data.pop("summary")
        return data


def event_initial(event: Event) -> dict[str, Any]:
    """The edit form's values: times in the venue's zone, text in the reader's
    language (empty where the event has none in it yet)."""
    language = get_language() or settings.LANGUAGE_CODE
    fields = [
        "kind",
        "format",
        "venue",
        "city",
        "country",
        "online_url",
        "time_zone",
        "capacity",
        "waitlist",
        "audiences",
        "languages",
        "interpretation",
        "visibility",
    ]
    initial: dict[str, Any] = {name: getattr(event, name) for name in fields}
    initial["venue"] = event.venue_id
    initial["country"] = str(event.country or "")
    for name in ("starts_at", "ends_at", "registration_deadline"):
        moment = getattr(event, name)
        initial[name] = (
            moment.astimezone(event.zone).strftime("%Y-%m-%dT%H:%M") if moment else None
        )
    initial["title"] = getattr(event, f"title_{language}", "") or ""
    initial["summary"] = getattr(event, f"summary_{language}", "") or ""
    initial["good_practices"] = list(event.good_practices.all())
    initial["handbook_sections"] = list(event.handbook_sections.all())
    return initial


class ProfessionalRegistrationForm(forms.Form):
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)
    organization: Any = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "organization").queryset = organisations


class GuestRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send a link to confirm your registration."),
    )
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)
    organization_name = forms.CharField(label=_("Organisation"), max_length=300)


class FeedbackForm(forms.ModelForm):
    usefulness = forms.TypedChoiceField(
        label=_("How useful was the event for your work?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not useful, 5: very useful."),
    )

    class Meta:
        model = Feedback
        fields = ["usefulness", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False)
    pdf = forms.FileField(label=_("PDF file"), required=False)
    participants_only = forms.BooleanField(
        label=_("For participants only"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "material_%s")
        super().__init__(*args, **kwargs)

    def clean_pdf(self) -> bytes | None:
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        content = upload.read()
        if not content.startswith(b"%PDF-"):
            raise forms.ValidationError(_("This file is not a PDF."))
        return bytes(content)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("url") and not data.get("pdf"):
            raise forms.ValidationError(_("Give a link or a PDF file."))
        return data


class SessionForm(forms.Form):
    """One item of the programme; times in the venue's time zone."""

    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"), required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    speakers = forms.CharField(
        label=_("Speakers"),
        max_length=500,
        required=False,
        help_text=_("Names and organisations, as the speakers agreed to be shown."),
    )

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        # Shown on one page with the material form: ids must not collide.
        kwargs.setdefault("auto_id", "session_%s")
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("starts_at", "ends_at"):
            moment: datetime | None = data.get(name)
            if moment is not None:
                data[name] = moment.replace(tzinfo=self.zone)
        return data
