from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from relais.directory.models import Organization

from .models import AccessRequest, Profession, Role, User

SIGN_IN_FAILED = _(
    "The e-mail address or password is not right. Check them and try again."
)


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, password = data.get("email"), data.get("password")
        if email and password:
            # The same message whether the address is unknown, the password
            # wrong or the account inactive: no account enumeration.
            user = authenticate(self.request, email=email, password=password)
            if user is None or not user.is_active:
                raise forms.ValidationError(SIGN_IN_FAILED, code="invalid_login")
            self.user = user
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_(
            "The 6-digit code from your authenticator app, "
            "or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class ReauthenticateForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = CodeForm.base_fields["code"]

    def __init__(self, *args: Any, code_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With a passkey, the password comes first and the passkey replaces the code.
        self.fields["code"].required = code_required


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. A sentence of several words is easy to "
            "remember and hard to guess."
        ),
    )

    def help_texts(self) -> list[str]:
        return password_validators_help_texts()


class AccessRequestCountryForm(forms.Form):
    """First step: the country decides the organisations offered and the reviewer."""

    country = forms.ChoiceField(
        label=_("Country where your organisation is"), choices=lambda: list(countries)
    )


class AccessRequestForm(forms.ModelForm):
    organization: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("My organisation is not listed"),
    )

    class Meta:
        model = AccessRequest
        fields = [
            "country",
            "organization",
            "organization_name",
            "name",
            "email",
            "profession",
            "reason",
        ]
        widgets = {
            "country": forms.HiddenInput,
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "reason": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        }
        help_texts = {
            "organization_name": _("Only if your organisation is not in the list."),
            "reason": _(
                "Your work and why you need Relais, in a few lines. Do not write "
                "anything about the people you assist."
            ),
        }

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].initial = country
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            country=country
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("organization"):
            data["organization_name"] = data["organization"].name
        elif not data.get("organization_name"):
            self.add_error(
                "organization_name",
                _("Choose your organisation or, if it is not listed, type its name."),
            )
        return data


class AccessRequestApproveForm(forms.Form):
    organization: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class AccessRequestRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the person"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
