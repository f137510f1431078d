"""Listing verification's records: owners' proposals, claims, reminders and
professionals' suggested corrections.

The tables keep the names they had when these models lived in the directory
app (directory_listingchangerequest, ...), so that moving the code moved no data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.directory.models import Organization


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class Reviewed(models.Model):
    """What a coordinator decides on: its status, who decided, when and why."""

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
    )
    # The requester's language: the description they edit, the e-mail they receive.
    language = models.CharField(_("language"), max_length=10)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True


class ListingChangeRequest(Reviewed):
    """An owner's proposed edit or re-confirmation of a listing, for the coordinator.

    Nothing in it is live until the coordinator of the listing's country
    approves it. `baseline` holds the listing's values when the owner began,
    so that approval applies only what the owner changed.
    """

    class Kind(models.TextChoices):
        EDIT = "edit", _("Changes to the listing")
        CONFIRMATION = "confirmation", _("The listing is still accurate")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    baseline = models.JSONField(_("values before"), default=dict, blank=True)
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    submitted_at = models.DateTimeField(_("proposed on"), default=timezone.now)

    class Meta:
        db_table = "directory_listingchangerequest"
        verbose_name = _("listing change request")
        verbose_name_plural = _("listing change requests")
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status="pending"),
                name="one_pending_change_per_listing",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="change_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind} ({self.status})"

    @property
    def changed_fields(self) -> list[str]:
        """The fields the owner changed, in the order of the edit form."""
        return [
            name
            for name, value in self.proposed.items()
            if self.baseline.get(name) != value
        ]


class ListingClaim(Reviewed):
    """ "This is us": a professional asks to administer a listing nobody holds."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("organisation"),
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    profession = models.CharField(_("profession"), max_length=30)
    message = models.TextField(
        _("how you are linked to the organisation"), blank=True, max_length=1000
    )
    submitted_at = models.DateTimeField(_("claimed on"), default=timezone.now)

    class Meta:
        db_table = "directory_listingclaim"
        verbose_name = _("listing claim")
        verbose_name_plural = _("listing claims")
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "claimant"],
                condition=models.Q(status="pending"),
                name="one_pending_claim_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="claim_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} claim ({self.status})"


class VerificationReminder(models.Model):
    """One reminder per listing and verification cycle (the date it is about)."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+"
    )
    cycle = models.DateField(_("last verified on"))
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        db_table = "directory_verificationreminder"
        verbose_name = _("verification reminder")
        verbose_name_plural = _("verification reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cycle"], name="one_reminder_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.cycle}"


class CorrectionSuggestion(models.Model):
    """A professional's note that something on a listing is wrong.

    Any professional may send one; the organisation's administrators and the
    coordinators of the listing's country read it and mark it done (the
    listing was corrected through the usual proposal) or declined. The text is
    never copied into e-mails or the audit trail.
    """

    class Section(models.TextChoices):
        NAME = "name", _("Name")
        DESCRIPTION = "description", _("Description")
        CONTACT = "contact", _("Phones, e-mail or website")
        ADDRESS = "address", _("Address")
        HOURS = "hours", _("Opening hours")
        LANGUAGES = "languages", _("Languages spoken")
        SERVICES = "services", _("Services")
        EXPLOITATION_FORMS = "exploitation_forms", _("Forms of exploitation")
        TARGET_GROUPS = "target_groups", _("Target groups")
        REFERRALS = "referrals", _("Accepts referrals from abroad")
        LEGAL_PRACTICE = "legal_practice", _("Legal practice")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done: the listing was corrected")
        DECLINED = "declined", _("Declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="correction_suggestions",
        verbose_name=_("organisation"),
    )
    section = models.CharField(
        _("what is wrong"), max_length=30, choices=Section.choices
    )
    correction = models.TextField(_("what is correct"), max_length=2000)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    suggested_at = models.DateTimeField(_("suggested on"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    resolved_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    response = models.TextField(
        _("note to the person who suggested it"), max_length=2000, blank=True
    )

    class Meta:
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")
        ordering = ["-suggested_at"]
        indexes = [
            models.Index(
                fields=["organization", "status"], name="suggestion_listing_status"
            ),
            models.Index(
                fields=["suggested_by", "suggested_at"], name="suggestion_by_person"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | (~models.Q(status="open") & models.Q(resolved_at__isnull=False)),
                name="suggestion_answered_iff_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.section} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
