import secrets
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_otp.models import DeviceManager
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.core import crypto

from .recovery_codes import recovery_code_hash, recovery_code_hashes


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


def language_choices() -> list[tuple[str, Any]]:
    """The platform's languages, read when needed (never at import time)."""
    return list(settings.LANGUAGES)


class User(AbstractUser):
    """A professional. People sign in with their e-mail address."""

    username = None  # type: ignore[assignment, misc]
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        choices=language_choices,
        blank=True,
        default="",
        help_text=_("The language this person last signed in with."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment, misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class Profession(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    HEALTH_WORKER = "health_worker", _("Health worker")
    POLICE = "police", _("Police")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge")
    LABOUR_INSPECTOR = "labour_inspector", _("Labour inspector")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    ORGANISATION_ADMIN = "admin", _("Organisation administrator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer (read-only)")


class Membership(models.Model):
    """A professional's place in one directory organisation."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    profession = models.CharField(
        _("profession"),
        max_length=30,
        choices=Profession.choices,
        default=Profession.OTHER,
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization_id} ({self.role})"


class CountryCoordinator(models.Model):
    """A coordinator verifies listings and approves access for one country."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="coordinated_countries",
        verbose_name=_("user"),
    )
    country = CountryField(_("country"))

    class Meta:
        verbose_name = _("country coordinator")
        verbose_name_plural = _("country coordinators")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "country"], name="one_coordination_per_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.country})"


class Invitation(models.Model):
    """An e-mailed, single-use, expiring invitation to join an organisation.

    Only a hash of the token is stored: the database alone cannot be used to
    accept an invitation.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"))
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    profession = models.CharField(
        _("profession"),
        max_length=30,
        choices=Profession.choices,
        default=Profession.OTHER,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires on"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return str(self.uuid)


class AccessRequest(models.Model):
    """A professional's request to join, reviewed by the coordinator of the country.

    It holds personal data (name, e-mail address, reason), so every request is
    deleted RELAIS_ACCESS_REQUEST_RETENTION_DAYS after it was made, decided or
    not (relais purge-access-requests).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Declined")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("your name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    country = CountryField(_("country where your organisation is"))
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organization_name = models.CharField(
        _("name of your organisation"), max_length=300, blank=True
    )
    profession = models.CharField(
        _("profession"), max_length=30, choices=Profession.choices
    )
    reason = models.TextField(_("why you need access"), max_length=1000)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("received on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ("created_at",)
        constraints = [
            # The name is kept even for a listed organisation, so that the
            # request still says where the person works if the listing goes.
            models.CheckConstraint(
                condition=~models.Q(organization_name=""),
                name="access_request_names_an_organisation",
            )
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class AuthenticatorAppManager(DeviceManager):
    @transaction.atomic
    def create(self, **kwargs: Any) -> "AuthenticatorApp":  # type: ignore[override]
        """A new app with a random seed, which reaches the database encrypted only.

        The seed is bound to its row, whose key exists only after the insert.
        """
        kwargs.pop("key", None)
        device = self.model(key="", **kwargs)
        device.save(force_insert=True)
        device.seed_set(secrets.token_bytes(20))
        device.save(update_fields=["key"])
        return device


class AuthenticatorApp(TOTPDevice):
    """A TOTP authenticator app whose seed is stored encrypted (relais.core.crypto).

    django-otp's TOTPDevice verifies (with its throttling, drift and replay
    protection) through `bin_key`; here `bin_key` decrypts the `key` column
    in memory. A plain TOTPDevice reading such a row fails: its ciphertext is
    not hexadecimal.
    """

    objects = AuthenticatorAppManager()

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")

    def _seed_context(self) -> bytes:
        return crypto.column_context(self._meta.db_table, "key", self.pk)

    def seed_set(self, seed: bytes) -> None:
        if self.pk is None:
            raise ValueError("A seed is bound to its row: save the device first.")
        self.key = crypto.encrypt(seed, context=self._seed_context())

    @property
    def bin_key(self) -> bytes:
        return crypto.decrypt(self.key, context=self._seed_context())

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one invariant of the row: the seed column never holds a plain seed.
        if self.key and not crypto.is_encrypted(self.key):
            raise ValueError("An authenticator app's seed must be encrypted.")
        super().save(*args, **kwargs)


class RecoveryCodes(StaticDevice):
    """A person's recovery codes, each stored as a keyed hash (recovery_codes.py)."""

    class Meta:
        proxy = True
        verbose_name = _("recovery codes")

    def codes_set(self, codes: list[str]) -> None:
        StaticToken.objects.bulk_create(
            [StaticToken(device=self, token=recovery_code_hash(c)) for c in codes]
        )

    def verify_token(self, token: Any) -> bool:
        # As StaticDevice.verify_token, comparing hashes: the lookup's time
        # depends on the hash, not on how close the code came.
        verify_allowed, _reason = self.verify_is_allowed()
        if not verify_allowed:
            return False
        match = self.token_set.filter(
            token__in=recovery_code_hashes(str(token))
        ).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True
