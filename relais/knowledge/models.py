"""The knowledge base: legislation, country profiles and their rights matrix,
good practices and the handbook. Nothing here is personal data."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.dates import months_between
from relais.directory.models import Organization

REVIEW_DUE_AFTER_MONTHS = 12


class LegislationTopic(models.TextChoices):
    CRIMINAL_PROVISION = "criminal_provision", _("Criminal offence")
    SPECIFIC_LAW = "specific_law", _("Specific anti-trafficking law")
    REFLECTION_PERIOD = "reflection_period", _("Reflection and recovery period")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    LEGAL_AID = "legal_aid", _("Legal aid")
    STATE_COMPENSATION = "state_compensation", _("State compensation")
    NATIONAL_RAPPORTEUR = "national_rapporteur", _("National rapporteur")
    NATIONAL_REFERRAL_MECHANISM = (
        "national_referral_mechanism",
        _("National referral mechanism"),
    )
    NON_PUNISHMENT = "non_punishment", _("Non-punishment")
    EU_DIRECTIVE = "eu_directive", _("EU directive")
    EU_DIRECTIVE_AMENDMENT = "eu_directive_amendment", _("EU directive amendment")
    ASSISTANCE_SUPPORT = "assistance_support", _("Assistance and support")
    VICTIMS_RIGHTS = "victims_rights", _("Victims' rights")


class Provision(models.Model):
    """One entry of the legislation library: an instrument and the article cited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    country = models.CharField(
        _("country"), max_length=2, db_index=True, help_text=_("ISO code, or EU.")
    )
    topic = models.CharField(
        _("topic"), max_length=40, choices=LegislationTopic.choices, db_index=True
    )
    instrument = models.CharField(
        _("instrument"),
        max_length=600,
        blank=True,
        help_text=_("Empty when the source did not confirm which instrument applies."),
    )
    article = models.CharField(_("article"), max_length=300, blank=True)
    summary = models.TextField(_("summary in our own words"))
    value = models.CharField(_("value"), max_length=50, blank=True)
    value_unit = models.CharField(_("unit of the value"), max_length=50, blank=True)
    source_url = models.URLField(_("official link or source"), max_length=600)
    additional_sources = models.JSONField(
        _("further sources"), default=list, blank=True
    )
    as_of = models.PositiveSmallIntegerField(
        _("as of (year of the text seen)"), null=True, blank=True
    )
    verified = models.BooleanField(
        _("confirmed by the source"),
        default=False,
        help_text=_("Unconfirmed entries are shown as unverified, never as fact."),
    )
    notes = models.TextField(_("caveats"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("legislation entry")
        verbose_name_plural = _("legislation library")
        ordering = ["country", "topic", "slug"]

    def __str__(self) -> str:
        if self.article:
            return f"{self.display_instrument}, art. {self.article}"
        return str(self.display_instrument)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:provision", kwargs={"slug": self.slug})

    @property
    def display_instrument(self) -> str:
        return self.instrument or str(_("Instrument not confirmed"))

    def clean(self) -> None:
        for url in self.additional_sources or []:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise ValidationError(
                    {"additional_sources": _("Each source must be a web address.")}
                )


class CountryProfile(models.Model):
    """What a person is entitled to in one country (or at EU level)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(
        _("country"), max_length=2, unique=True, help_text=_("ISO code, or EU.")
    )
    introduction = models.TextField(_("introduction"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("country profile")
        verbose_name_plural = _("country profiles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("knowledge:profile", kwargs={"code": self.code.lower()})

    def clean(self) -> None:
        from django_countries import countries

        if self.code not in countries:
            raise ValidationError({"code": _("Unknown country code.")})


class RightTopic(models.TextChoices):
    """The rows of the rights matrix, in the order they are shown."""

    REFERRAL_MECHANISM = "referral_mechanism", _("National referral mechanism")
    NATIONAL_RAPPORTEUR = "national_rapporteur", _("National rapporteur")
    IDENTIFICATION = "identification", _("Identification")
    REFLECTION_PERIOD = "reflection_period", _("Reflection and recovery period")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    LEGAL_AID = "legal_aid", _("Free legal aid")
    INTERPRETATION = "interpretation", _("Interpretation and translation")
    VICTIM_ROLE = (
        "victim_role",
        _("The victim's role in the proceedings and civil-party claims"),
    )
    PROTECTION = "protection", _("Protection")
    STATE_COMPENSATION = "state_compensation", _("Compensation from the state")
    OFFENDER_COMPENSATION = (
        "offender_compensation",
        _("Compensation from the offender"),
    )
    LABOUR_RIGHTS = "labour_rights", _("Labour rights and back pay")
    HEALTH_CARE = "health_care", _("Health care")
    SOCIAL_AID = "social_aid", _("Social aid")
    SHELTER = "shelter", _("Shelter")
    RIGHT_TO_WORK = "right_to_work", _("Right to work")
    NON_PUNISHMENT = "non_punishment", _("Non-punishment")
    EU_AND_THIRD_COUNTRY = (
        "eu_and_third_country",
        _("EU citizens and third-country nationals"),
    )
    CHILDREN = "children", _("Children and guardianship")
    RETURN = "return", _("Return")


HEADER_TOPICS = (RightTopic.REFERRAL_MECHANISM, RightTopic.NATIONAL_RAPPORTEUR)


class CellStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    # Shown to readers as "not documented": no source has been checked yet.
    UNDOCUMENTED = "undocumented", _("Not documented")


class ReviewState(models.TextChoices):
    REVIEWED = "reviewed", _("Reviewed")
    DUE = "due", _("Due for review")
    UNREVIEWED = "unreviewed", _("Not reviewed")


class RightsCell(models.Model):
    """One statement of a country's rights matrix, with its citations.

    Published only with at least one citation (services.rights_cell_publish);
    due for review twelve months after its last review.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(
        CountryProfile,
        on_delete=models.CASCADE,
        related_name="cells",
        verbose_name=_("country profile"),
    )
    topic = models.CharField(_("topic"), max_length=40, choices=RightTopic.choices)
    text = models.TextField(_("statement"), blank=True)
    value = models.PositiveIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_("e.g. the length of the reflection period"),
    )
    value_unit = models.CharField(_("unit"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CellStatus.choices, default="draft"
    )
    verified = models.BooleanField(_("confirmed by the sources"), default=False)
    reviewed_by = models.CharField(_("reviewed by"), max_length=300, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    citations = models.ManyToManyField(  # type: ignore[var-annotated]
        Provision,
        through="Citation",
        related_name="cells",
        verbose_name=_("citations"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rights matrix cell")
        verbose_name_plural = _("rights matrix cells")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "topic"], name="one_cell_per_topic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile.code}: {self.get_topic_display()}"

    @property
    def review_state(self) -> str:
        if self.reviewed_on is None:
            return ReviewState.UNREVIEWED
        months = months_between(self.reviewed_on, timezone.localdate())
        if months >= REVIEW_DUE_AFTER_MONTHS:
            return ReviewState.DUE
        return ReviewState.REVIEWED


class Citation(models.Model):
    cell = models.ForeignKey(
        RightsCell, on_delete=models.CASCADE, verbose_name=_("cell")
    )
    provision = models.ForeignKey(
        Provision,
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("legislation entry"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "provision"], name="cite_a_provision_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.provision)


class PracticeTopic(models.TextChoices):
    ACCESS_TO_JUSTICE = "access_to_justice", _("Access to justice")
    SOCIAL_AID = "social_aid", _("Social aid")
    HEALTH_CARE = "health_care", _("Health care")
    MULTIDISCIPLINARY = "multidisciplinary", _("Multidisciplinary approach")
    TRANSNATIONAL = "transnational", _("Transnational cooperation")
    RETURN = "return", _("Return and reintegration")
    IDENTIFICATION = "identification", _("Identification")


class PracticeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting an editor's review")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")


class GoodPractice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name in URLs"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    countries = models.JSONField(
        _("countries"), default=list, help_text=_('ISO codes, e.g. ["BE", "RO"]')
    )
    topic = models.CharField(_("topic"), max_length=30, choices=PracticeTopic.choices)
    context = models.TextField(_("context"))
    practice = models.TextField(_("the practice"))
    results = models.TextField(_("results"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)
    contact_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact organisation"),
    )
    sources = models.JSONField(_("sources"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=PracticeStatus.choices, default="proposed"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:practice", kwargs={"slug": self.slug})

    def clean(self) -> None:
        from django_countries import countries

        codes = self.countries or []
        if not isinstance(codes, list) or not codes:
            raise ValidationError({"countries": _("Choose at least one country.")})
        for code in codes:
            if code not in countries:
                raise ValidationError({"countries": _("Unknown country code.")})
        sources = self.sources or []
        if not isinstance(sources, list) or not sources:
            raise ValidationError({"sources": _("Give at least one source.")})
        for url in sources:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise ValidationError(
                    {"sources": _("Each source must be a web address.")}
                )


class Audience(models.TextChoices):
    LAWYERS = "lawyers", _("Lawyers")
    SOCIAL = "social", _("Social workers")
    HEALTH = "health", _("Health professionals")


class HandbookChapter(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name in URLs"), max_length=120, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    audiences = models.JSONField(_("audiences"), default=list)

    class Meta:
        verbose_name = _("handbook chapter")
        verbose_name_plural = _("handbook chapters")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class HandbookSection(models.Model):
    """A section in Markdown. English is the source text; `version` counts its
    changes, and `translated_from` records, per language, the version a
    translation was made from, so stale translations can be flagged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chapter = models.ForeignKey(
        HandbookChapter,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("chapter"),
    )
    slug = models.SlugField(_("short name in URLs"), max_length=120)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text (Markdown)"))
    audiences = models.JSONField(_("audiences"), default=list)
    version = models.PositiveIntegerField(_("version"), default=1)
    translated_from = models.JSONField(
        _("source version of each translation"), default=dict, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("handbook section")
        verbose_name_plural = _("handbook sections")
        ordering = ["chapter__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "slug"], name="section_slug_unique_in_chapter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.chapter.number}.{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "knowledge:section",
            kwargs={"chapter": self.chapter.slug, "section": self.slug},
        )

    def translation_out_of_date(self, language: str) -> bool:
        """True when the English text changed after the translation was made.

        An editor's translation records the version it was made from; a
        translation loaded from the data files records the fingerprint of the
        English text it translates (relais.knowledge.i18n)."""
        if language == "en":
            return False
        source = (self.translated_from or {}).get(language)
        if isinstance(source, str):
            from .i18n import section_source_hash

            english = section_source_hash(self.title_en, self.body_en)  # type: ignore[attr-defined]
            return source != english
        return source is not None and source < self.version


class ContentVersion(models.Model):
    """Every saved state of a knowledge record: who changed it, when, and what."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("record type")
    )
    object_id = models.UUIDField(_("record"), db_index=True)
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_by_label = models.CharField(_("changed by"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["content_type", "object_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"],
                name="one_version_number_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type} {self.object_id} v{self.number}"


# Search index (written only by relais.knowledge.search) -----------------------


class SearchKind(models.TextChoices):
    PROFILE = "profile", _("Country profile")
    LEGISLATION = "legislation", _("Legislation")
    PRACTICE = "practice", _("Good practice")
    HANDBOOK = "handbook", _("Handbook")


class KnowledgeSearchDocument(models.Model):
    """One knowledge record as a reader of one language finds it: folded text
    for the search engines, and what a result shows (title, link, excerpt).

    The text is the reader's language where translated, else English, as the
    pages show it. Only what the pages show as published is indexed.
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=SearchKind.choices)
    object_id = models.UUIDField(db_index=True)
    language = models.CharField(max_length=8)
    text_language = models.CharField(max_length=8, blank=True)
    # Space-separated ISO codes with a space at each end (" BE RO "), or "".
    countries = models.CharField(max_length=400, blank=True)
    title = models.CharField(max_length=600)
    url = models.CharField(max_length=600)
    excerpt = models.TextField(blank=True)
    verified = models.BooleanField(default=True)
    name_text = models.TextField(default="", blank=True)
    label_text = models.TextField(default="", blank=True)
    body_text = models.TextField(default="", blank=True)

    class Meta:
        db_table = "knowledge_searchdocument"
        indexes = [models.Index(fields=["language", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["object_id", "language"], name="one_document_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"


class KnowledgeSearchTerm(models.Model):
    """Every word of the knowledge index, for typo suggestions."""

    term = models.CharField(max_length=60, primary_key=True)

    class Meta:
        db_table = "knowledge_searchterm"

    def __str__(self) -> str:
        return self.term


class KnowledgeSearchIndexVersion(models.Model):
    """Changed by every index write, so that cached vocabularies refresh."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "knowledge_searchindexversion"

    def __str__(self) -> str:
        return str(self.version)
