"""Transnational referrals: one case record that both organisations follow.

Personal data (the person record, messages, documents, free-text notes, the
reason for sending without consent) lives only in encrypted columns
(relais.core.crypto: AES-GCM, bound to table, column and row). Everything
else on these rows is metadata that coordinators and statistics may see: the
organisations, purposes, urgency, phase, statuses and dates.
"""

import json
import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from relais.core import crypto


class Purpose(models.TextChoices):
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    CRIMINAL_PROCEEDINGS = (
        "criminal_proceedings",
        _("Representation in criminal proceedings (victim, civil party)"),
    )
    COMPENSATION = "compensation", _("Compensation from the offender or the state")
    RESIDENCE = "residence", _("Residence and reflection period")
    ASYLUM = "asylum", _("Asylum")
    LABOUR_RIGHTS = "labour_rights", _("Labour rights and back pay")
    SOCIAL_AID = "social_aid", _("Social aid")
    HEALTH_CARE = "health_care", _("Health care")
    SHELTER = "shelter", _("Shelter")
    RETURN = "return", _("Return and reintegration")
    CHILD_PROTECTION = "child_protection", _("Child protection")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent (days)")
    EMERGENCY = "emergency", _("Emergency (immediate danger)")


class Phase(models.TextChoices):
    """The phases of the transnational referral mechanism (DESIGN.md glossary)."""

    IDENTIFICATION = "identification", _("Identification")
    FIRST_ASSISTANCE = "first_assistance", _("First assistance and protection")
    LONG_TERM = "long_term", _("Long-term assistance and social inclusion")
    RETURN = "return", _("Return and social inclusion")
    PROCEEDINGS = "proceedings", _("Criminal and civil proceedings")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent, waiting for an answer")
    INFO_REQUESTED = "info_requested", _("More information asked")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The statuses after which nothing changes but the retention purge.
FINAL_STATUSES = frozenset({Status.DECLINED, Status.CLOSED, Status.WITHDRAWN})


class Outcome(models.TextChoices):
    ASSISTED = "assisted", _("Assisted")
    PROCEEDINGS_STARTED = "proceedings_started", _("Proceedings started")
    COMPENSATION_AWARDED = "compensation_awarded", _("Compensation awarded")
    RETURNED_SAFELY = "returned_safely", _("Returned safely")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    PERSON_DECLINED = "person_declined", _("The person declined")


class Side(models.TextChoices):
    SENDING = "sending", _("Sending organisation")
    RECEIVING = "receiving", _("Receiving organisation")
    PLATFORM = "platform", _("Relais")


def column_seal(instance: models.Model, field: str, plaintext: bytes) -> str:
    """`plaintext` encrypted for `field` of this row ("" stays "")."""
    if not plaintext:
        return ""
    column = crypto.EncryptedColumn(model=type(instance), field=field)
    return crypto.encrypt(plaintext, context=column.context(instance.pk))


def column_open(instance: models.Model, field: str) -> bytes:
    value = getattr(instance, field)
    if not value:
        return b""
    column = crypto.EncryptedColumn(model=type(instance), field=field)
    return crypto.decrypt(value, context=column.context(instance.pk))


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The case code is looked up by a keyed hash; its text is encrypted.
    case_code_hash = models.CharField(max_length=64, unique=True, editable=False)
    case_code_encrypted = models.TextField(editable=False)
    sending_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sending organisation"),
    )
    receiving_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )
    # Kept as they were when sent: the statistics count country pairs even
    # after an organisation moves or leaves the directory.
    sending_country = CountryField(_("sending country"))
    receiving_country = CountryField(_("receiving country"))
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    purposes = models.JSONField(_("purposes"), default=list)
    urgency = models.CharField(
        _("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    phase = models.CharField(
        _("phase of the referral mechanism"), max_length=30, choices=Phase.choices
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=Outcome.choices, blank=True
    )
    # Every change adds one: an update made on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    person_encrypted = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer expected by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ended"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(
        _("consent withdrawn"), null=True, blank=True, editable=False
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(
        _("personal data deleted"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(
                    sending_organization=models.F("receiving_organization")
                ),
                name="referral_between_two_organisations",
            ),
            models.CheckConstraint(
                condition=models.Q(status="closed", outcome__gt="")
                | (~models.Q(status="closed") & models.Q(outcome="")),
                name="referral_outcome_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def case_code(self) -> str:
        return column_open(self, "case_code_encrypted").decode()

    @property
    def person(self) -> dict[str, Any]:
        """The person record (see forms.PersonForm for its fields); {} once purged."""
        raw = column_open(self, "person_encrypted")
        return json.loads(raw) if raw else {}

    def person_seal(self, person: dict[str, Any]) -> None:
        self.person_encrypted = column_seal(
            self, "person_encrypted", json.dumps(person, sort_keys=True).encode()
        )

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [str(labels.get(code, code)) for code in self.purposes]

    def side_of(self, organization_id: Any) -> str | None:
        if organization_id == self.sending_organization_id:
            return Side.SENDING
        if organization_id == self.receiving_organization_id:
            return Side.RECEIVING
        return None


class ConsentKind(models.TextChoices):
    CONSENT = "consent", _("The person consented")
    OVERRIDE_CHILD = (
        "override_child",
        _("Sent without consent: in the best interests of a child"),
    )
    OVERRIDE_EMERGENCY = (
        "override_emergency",
        _("Sent without consent: an emergency (danger to life or health)"),
    )


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed consent form")
    ORAL_WITH_INTERPRETER = (
        "oral_interpreter",
        _("Given orally, with an interpreter, and noted"),
    )
    ORAL = "oral", _("Given orally and noted")
    ELECTRONIC = "electronic", _("Given in writing (e-mail or message)")


class Consent(models.Model):
    """The person's consent to one referral: to this recipient, for these purposes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ConsentKind.choices)
    given_on = models.DateField(_("date given"))
    language = models.CharField(_("language the person was informed in"), max_length=8)
    method = models.CharField(
        _("how it was given"), max_length=30, choices=ConsentMethod.choices, blank=True
    )
    recipient = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient it covers"),
    )
    purposes = models.JSONField(_("purposes it covers"), default=list)
    override_reason_encrypted = models.TextField(blank=True, editable=False)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.given_on})"

    @property
    def override_reason(self) -> str:
        return column_open(self, "override_reason_encrypted").decode()

    def covers(self, referral: Referral) -> bool:
        return (
            self.withdrawn_at is None
            and self.recipient_id == referral.receiving_organization_id
            and set(referral.purposes) <= set(self.purposes)
        )


class TimelineKind(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    CONSENT = "consent", _("Consent recorded")
    CONSENT_OVERRIDE = "consent_override", _("Sent without consent, reason recorded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    SENT = "sent", _("Sent")
    INFO_REQUESTED = "info_requested", _("More information asked")
    INFO_PROVIDED = "info_provided", _("Information provided, sent again")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    STARTED = "started", _("Assistance started")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MESSAGE = "message", _("Message")
    DOCUMENT = "document", _("Document")
    DEADLINE = "deadline", _("Deadline set")
    REMINDER = "reminder", _("Reminder: no answer yet")
    ESCALATED = "escalated", _("Escalated to the country coordinator")
    PURGED = "purged", _("Personal data deleted")


class TimelineEntry(models.Model):
    """One line of the timeline both organisations see."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="timeline"
    )
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=30, choices=TimelineKind.choices)
    side = models.CharField(max_length=20, choices=Side.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField()
    note_encrypted = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["at", "version"]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def note(self) -> str:
        return column_open(self, "note_encrypted").decode()


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="messages"
    )
    side = models.CharField(max_length=20, choices=Side.choices)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    body_encrypted = models.TextField(editable=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def body(self) -> str:
        return column_open(self, "body_encrypted").decode()


class Document(models.Model):
    """A PDF or an image, checked by its content, stored encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="documents"
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    side = models.CharField(max_length=20, choices=Side.choices)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    name_encrypted = models.TextField(editable=False)
    content_encrypted = models.TextField(editable=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def name(self) -> str:
        return column_open(self, "name_encrypted").decode()

    @property
    def content(self) -> bytes:
        return column_open(self, "content_encrypted")


class DeadlineKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    REFLECTION_END = "reflection_end", _("End of the reflection period")
    APPEAL = "appeal", _("Appeal deadline")
    COMPENSATION_CLAIM = "compensation_claim", _("Compensation claim deadline")
    OTHER = "other", _("Other deadline")


class Deadline(models.Model):
    """A date both sides must not miss. No free text: it shows in calendar feeds."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DeadlineKind.choices)
    due_at = models.DateTimeField(_("date and time"))
    # The IANA time zone of the country where it happens (e.g. Europe/Brussels).
    time_zone = models.CharField(_("time zone"), max_length=64)
    set_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    week_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    day_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_at:%Y-%m-%d %H:%M})"


class CalendarFeed(models.Model):
    """A professional's secret calendar address (iCal) for their deadlines."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="referral_calendar"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user_id)
