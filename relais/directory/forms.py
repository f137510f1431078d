"""The directory search form (the whole search state lives in the URL), and
the organisation pickers other apps use."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from relais.core.languages import known_language_codes

from .models import Organization, Place, VerificationState
from .places import place_key
from .search import SearchQuery
from .search.gazetteer import place_find
from .search.memory import facet_index

MAX_VALUES_PER_FACET = 50
RADIUS_CHOICES = [
    (10, "10 km"),
    (25, "25 km"),
    (50, "50 km"),
    (100, "100 km"),
    (250, "250 km"),
]
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("distance", _("Distance")),
    ("name", _("Name")),
    ("verified", _("Recently verified")),
]
VERIFICATION_CHOICES = VerificationState.choices
TAXONOMY_FIELDS = {
    "type": "organization_type",
    "service": "service",
    "exploitation": "exploitation_form",
    "group": "target_group",
}


class OrganizationSelect(forms.Select):
    """A choice of organisations, each option marked with its name's language.

    `organizations` maps a choice's value to its organisation where the
    choices are not a queryset's (whose values carry their instance)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations: dict[str, Organization] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        value = option["value"]
        organization = getattr(value, "instance", None) or self.organizations.get(
            str(value)
        )
        language = getattr(organization, "display_name_language", "")
        if language:
            option["attrs"]["lang"] = language
        return option


class OrganizationChoiceField(forms.ModelChoiceField):
    """Organisations named as the reader sees them elsewhere (`display_name`)."""

    widget = OrganizationSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class CappedMultipleChoiceField(forms.MultipleChoiceField):
    """Repeated values are kept once, and at most 50 of them."""

    def to_python(self, value: Any) -> list[str]:
        values = super().to_python(value)
        return list(dict.fromkeys(values))[:MAX_VALUES_PER_FACET]


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=500, strip=True)
    country = CappedMultipleChoiceField(label=_("Country"), required=False)
    city = CappedMultipleChoiceField(label=_("City"), required=False)
    type = CappedMultipleChoiceField(label=_("Organisation type"), required=False)
    service = CappedMultipleChoiceField(label=_("Service"), required=False)
    exploitation = CappedMultipleChoiceField(
        label=_("Form of exploitation"), required=False
    )
    group = CappedMultipleChoiceField(label=_("Target group"), required=False)
    language = CappedMultipleChoiceField(label=_("Language spoken"), required=False)
    legal_aid = forms.ChoiceField(
        label=_("Takes legally-aided (pro deo) cases"), choices=YES_NO, required=False
    )
    referrals = forms.ChoiceField(
        label=_("Accepts referrals from abroad"), choices=YES_NO, required=False
    )
    verification = CappedMultipleChoiceField(
        label=_("Verification"), choices=VERIFICATION_CHOICES, required=False
    )
    outdated = forms.BooleanField(label=_("Include outdated listings"), required=False)
    near = forms.CharField(label=_("Near (city)"), required=False, max_length=200)
    lat = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lon = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        choices=RADIUS_CHOICES,
        coerce=int,
        required=False,
        empty_value=50,  # type: ignore[arg-type]
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=100000, widget=forms.HiddenInput
    )
    # Every word as text, none read as a country, service or profession.
    literal = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Facet values are checked against their vocabularies without building
        # (and translating) hundreds of choices that are never displayed.
        codes: dict[str, set[str]] = {name: set() for name in TAXONOMY_FIELDS}
        slugs = {taxonomy: name for name, taxonomy in TAXONOMY_FIELDS.items()}
        for slug, code in facet_index().term_by_code:
            if slug in slugs:
                codes[slugs[slug]].add(code)
        checks = {
            "country": lambda value: value in countries,
            "language": lambda value: value in known_language_codes(),
            "city": lambda value: 0 < len(value) <= 200,
            **{
                name: (lambda value, allowed=allowed: value in allowed)
                for name, allowed in codes.items()
            },
        }
        for name, check in checks.items():
            self.fields[name].valid_value = check  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "“%(value)s” is not one of the choices: this filter was ignored."
            )
            field.error_messages["invalid"] = _(
                "This value is not valid: it was ignored."
            )
        self.place: Place | None = None

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "")

    def clean_near(self) -> str:
        near = self.cleaned_data["near"].replace("\x00", "").strip()
        if near:
            self.place = place_find(near)
            if self.place is None:
                raise forms.ValidationError(
                    _(
                        "No place called “%(name)s” is known: "
                        "the distance filter was ignored."
                    ),
                    params={"name": near},
                    code="unknown_place",
                )
        return near

    def search_query(self, *, per_page: int = 20) -> SearchQuery:
        """The search this form describes, leaving out the fields with errors."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        latitude = longitude = None
        if self.place is not None:
            latitude, longitude = self.place.latitude, self.place.longitude
        elif data.get("lat") is not None and data.get("lon") is not None:
            latitude, longitude = data["lat"], data["lon"]

        def yes_no(value: str | None) -> bool | None:
            return {"yes": True, "no": False}.get(value or "")

        sort = data.get("sort") or ("distance" if latitude is not None else "relevance")
        return SearchQuery(
            q=data.get("q", ""),
            country=data.get("country", []),
            city=list(dict.fromkeys(place_key(v) for v in data.get("city", []))),
            type=data.get("type", []),
            service=data.get("service", []),
            exploitation=data.get("exploitation", []),
            group=data.get("group", []),
            language=data.get("language", []),
            legal_aid=yes_no(data.get("legal_aid")),
            referrals=yes_no(data.get("referrals")),
            verification=data.get("verification", []),
            include_outdated=bool(data.get("outdated")),
            latitude=latitude,
            longitude=longitude,
            radius_km=float(data.get("radius") or 50) if latitude is not None else None,
            sort=sort,
            page=data.get("page") or 1,
            per_page=per_page,
            literal=bool(data.get("literal")),
        )
