from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from relais.directory.models import Organization

from .models import PracticeTopic, SearchKind
from .navigator import Answers
from .search import KnowledgeQuery
from .selectors import profiles_all

EXPLOITATION_CHOICES = [
    ("sexual", _("Sexual exploitation")),
    ("labour", _("Labour exploitation")),
    ("criminal_activities", _("Forced criminal activities")),
    ("begging", _("Forced begging")),
    ("domestic_servitude", _("Domestic servitude")),
    ("forced_marriage", _("Forced marriage")),
    ("other", _("Other or not known")),
]
WISH_CHOICES = [
    ("stay", _("Stay in the country where they were identified")),
    ("return", _("Return to their country of origin")),
    ("undecided", _("Undecided")),
]
COOPERATING_CHOICES = [
    ("yes", _("Yes")),
    ("no", _("No")),
    ("undecided", _("Not decided yet")),
]
AGE_CHOICES = [("adult", _("Adult")), ("child", _("Child (under 18)"))]
GENDER_CHOICES = [
    ("woman", _("Woman or girl")),
    ("man", _("Man or boy")),
    ("other", _("Another gender, or not said")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class NavigatorForm(forms.Form):
    """The navigator's questions. Answers travel in the URL only, never stored."""

    identified_in = forms.ChoiceField(
        label=_("Country where the person was identified")
    )
    nationality = forms.ChoiceField(label=_("Nationality"))
    age = forms.ChoiceField(
        label=_("Adult or child"), choices=AGE_CHOICES, widget=forms.RadioSelect
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        help_text=_("Only to leave out places that do not take the person."),
        choices=GENDER_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    exploitation = forms.ChoiceField(
        label=_("Form of exploitation"), choices=EXPLOITATION_CHOICES
    )
    wish = forms.ChoiceField(
        label=_("The person wishes to"), choices=WISH_CHOICES, widget=forms.RadioSelect
    )
    cooperating = forms.ChoiceField(
        label=_("Cooperating with the authorities"),
        choices=COOPERATING_CHOICES,
        widget=forms.RadioSelect,
    )
    proceedings = forms.ChoiceField(
        label=_("Criminal proceedings under way"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    legal_question = forms.ChoiceField(
        label=_("Legal questions to answer"),
        help_text=_("Residence, compensation, a complaint: the sheet adds lawyers."),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    sheet_language = forms.ChoiceField(
        label=_("Language of the printable sheet"),
        help_text=_("The person's language; it can differ from the page's."),
        choices=settings.LANGUAGES,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", _("Choose…"))]
        destinations = [
            (p.code, countries.name(p.code)) for p in profiles_all() if p.code != "EU"
        ]
        identified_in: Any = self.fields["identified_in"]
        identified_in.choices = blank + destinations
        nationality: Any = self.fields["nationality"]
        nationality.choices = blank + list(countries)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("identified_in")
            and data.get("identified_in") == data.get("nationality")
            and data.get("wish") == "return"
        ):
            raise forms.ValidationError(
                _(
                    "The person was identified in their own country, so they cannot "
                    "return to it: choose “stay” or “undecided”, or correct the "
                    "nationality."
                ),
                code="contradiction",
            )
        return data

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            identified_in=data["identified_in"],
            nationality=data["nationality"],
            child=data["age"] == "child",
            exploitation=data["exploitation"],
            wish=data["wish"],
            cooperating=data["cooperating"],
            proceedings=data["proceedings"] == "yes",
            gender=data.get("gender") or "",
            legal_question=data.get("legal_question") == "yes",
        )


class PracticeProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    countries = forms.MultipleChoiceField(label=_("Countries"), choices=list(countries))
    topic = forms.ChoiceField(label=_("Topic"), choices=PracticeTopic.choices)
    context = forms.CharField(label=_("Context"), widget=forms.Textarea)
    practice = forms.CharField(label=_("The practice"), widget=forms.Textarea)
    results = forms.CharField(label=_("Results"), widget=forms.Textarea, required=False)
    transferability = forms.CharField(
        label=_("Transferability"), widget=forms.Textarea, required=False
    )
    contact_organization: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Contact organisation (from the directory)"),
        queryset=Organization.objects.filter(is_fictitious=False),
        required=False,
        to_field_name="slug",
    )
    sources = forms.CharField(
        label=_("Sources"),
        help_text=_("One web address per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_sources(self) -> list[str]:
        urls = [line.strip() for line in self.cleaned_data["sources"].splitlines()]
        urls = [u for u in urls if u]
        validate = forms.URLField().clean
        for url in urls:
            validate(url)
        if not urls:
            raise forms.ValidationError(_("Give at least one source."))
        return urls

    def practice_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            "title_en": data["title"],
            "countries": data["countries"],
            "topic": data["topic"],
            "context_en": data["context"],
            "practice_en": data["practice"],
            "results_en": data["results"],
            "transferability_en": data["transferability"],
            "contact_organization": data["contact_organization"],
            "sources": data["sources"],
        }


class SectionEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 20})
    )


class KnowledgeSearchForm(forms.Form):
    """The knowledge search: words, and optionally a kind and a country."""

    q = forms.CharField(label=_("Words"), max_length=500, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *SearchKind.choices], required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10000, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country: Any = self.fields["country"]
        country.choices = [("", _("All"))] + [
            (p.code, countries.name(p.code)) for p in profiles_all()
        ]
        # Practices may name countries without a profile: any code filters.
        country.valid_value = lambda value: value in countries
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "“%(value)s” is not one of the choices: this filter was ignored."
            )
            field.error_messages["invalid"] = _(
                "This value is not valid: it was ignored."
            )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "")

    def search_query(self) -> KnowledgeQuery:
        """The search this form describes, leaving out the fields with errors."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return KnowledgeQuery(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            country=(data.get("country") or "").upper(),
            page=data.get("page") or 1,
        )
