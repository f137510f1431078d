"""Trainings, seminars, study visits and conferences, and who registers for them.

An event is organised by directory organisations; its title and summary are
written in one or more of the platform's languages (django-modeltranslation).
Times are stored in UTC and shown in the venue's time zone.
"""

import uuid
import zoneinfo
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from relais.accounts.models import Profession


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone name (e.g. Europe/Brussels)."),
            code="invalid_time_zone",
            params={"value": value},
        )


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    SEMINAR = "seminar", _("Seminar")
    STUDY_VISIT = "study_visit", _("Study visit")
    CONFERENCE = "conference", _("Conference")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private (organisers only)")


class EventProvenance(models.TextChoices):
    PLATFORM = "platform", _("Organised on Relais")
    PAST_PROJECT = "past_project", _("Past project event, from public sources")
    FICTITIOUS = "fictitious", _("Fictitious demo event")


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name in URLs"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=EventFormat.choices,
        default=EventFormat.IN_PERSON,
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    organisers = models.ManyToManyField(
        "directory.Organization",
        related_name="+",
        verbose_name=_("organisers"),
        blank=True,
    )
    venue = models.ForeignKey(
        "directory.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("venue"),
    )
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    online_url = models.URLField(
        _("link to join online"),
        blank=True,
        max_length=500,
        help_text=_("Shown only to confirmed participants."),
    )
    time_zone = models.CharField(
        _("time zone of the venue"),
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_time_zone],
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # Past events known from public sources by their dates only: shown and
    # exported as whole days, never with made-up hours.
    all_day = models.BooleanField(_("whole days (hours not known)"), default=False)
    registration_deadline = models.DateTimeField(
        _("registration deadline"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    waitlist = models.BooleanField(
        _("waiting list when full"),
        default=True,
        help_text=_(
            "People who register once every place is taken wait in line and are "
            "given the place of anyone who cancels."
        ),
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    audiences = models.JSONField(
        _("audiences"),
        default=list,
        blank=True,
        help_text=_("The professions the event is for."),
    )
    languages = models.JSONField(_("languages of the event"), default=list, blank=True)
    interpretation = models.JSONField(
        _("interpretation offered into"), default=list, blank=True
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=EventVisibility.choices,
        default=EventVisibility.PUBLIC,
    )
    provenance = models.CharField(
        _("provenance"),
        max_length=20,
        choices=EventProvenance.choices,
        default=EventProvenance.PLATFORM,
    )
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    source_checked_on = models.DateField(_("source checked on"), null=True, blank=True)
    source_note = models.CharField(_("about the source"), max_length=300, blank=True)
    good_practices = models.ManyToManyField(  # type: ignore[var-annotated]
        "knowledge.GoodPractice",
        related_name="+",
        blank=True,
        verbose_name=_("good practices discussed"),
    )
    handbook_sections = models.ManyToManyField(  # type: ignore[var-annotated]
        "knowledge.HandbookSection",
        related_name="+",
        blank=True,
        verbose_name=_("handbook sections discussed"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    week_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    day_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="event_has_a_place"
            ),
        ]
        indexes = [models.Index(fields=["country", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if (
            self.registration_deadline
            and self.ends_at
            and self.registration_deadline > self.ends_at
        ):
            errors["registration_deadline"] = _(
                "The registration deadline must be before the end of the event."
            )
        professions = set(Profession.values)
        if any(a not in professions for a in self.audiences or []):
            errors["audiences"] = _("Choose audiences from the list.")
        if self.format != EventFormat.ONLINE and not (self.venue_id or self.city):
            errors["city"] = _("Give the venue or at least the city.")
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def local(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(self.zone) if moment else None

    @property
    def starts_local(self) -> datetime | None:
        return self.local(self.starts_at)

    @property
    def ends_local(self) -> datetime | None:
        return self.local(self.ends_at)

    @property
    def deadline_local(self) -> datetime | None:
        return self.local(self.registration_deadline)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_public(self) -> bool:
        return self.visibility == EventVisibility.PUBLIC

    def deadline_passed(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        deadline = self.registration_deadline or self.starts_at
        return now > deadline

    def audience_labels(self) -> list[str]:
        labels = dict(Profession.choices)
        return [str(labels.get(code, code)) for code in self.audiences or []]


class Session(models.Model):
    """One item of the programme."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    speakers = models.CharField(
        _("speakers"),
        max_length=500,
        blank=True,
        help_text=_("Names and organisations, as the speakers agreed to be shown."),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "title"]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for e-mail confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (
    RegistrationStatus.UNCONFIRMED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


class Registration(models.Model):
    """One person's place (or place in line) at an event.

    Personal data (name, e-mail, organisation) is visible only to the event's
    organisers and deleted RELAIS_EVENTS_RETENTION_MONTHS after the event.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    profession = models.CharField(
        _("profession"), max_length=30, choices=Profession.choices
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organization_name = models.CharField(_("organisation"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    anonymised = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled") & Q(anonymised=False),
                name="one_active_registration_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.status})"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def organisation_label(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return self.organization_name


class Material(models.Model):
    """A document (PDF) or a link shared after the event."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True, max_length=500)
    pdf = models.BinaryField(_("PDF"), blank=True, null=True, editable=True)
    participants_only = models.BooleanField(_("for participants only"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    """A participant's short feedback, kept without their identity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    # Only to refuse a second answer; cleared with the personal data.
    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    usefulness = models.PositiveSmallIntegerField(
        _("How useful was the event for your work?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(
        _("What should the organisers keep or change?"),
        blank=True,
        max_length=2000,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.usefulness}"
