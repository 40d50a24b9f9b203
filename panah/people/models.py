"""People Panah helps, their households, identity documents and consent.

Every person belongs to one organisation. Names, phone and document numbers and notes are
encrypted at rest; exact look-ups go through SearchKey rows (keyed blind indexes). Document
facts: shared/domain/facts.md §1.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from panah.core.errors import DomainError
from panah.core.fields import EncryptedTextField
from panah.core.models import PublicIdModel

# The given name recorded for a person whose name was only said on a phone call (the voice
# line keeps the recording; an operator types the name after listening). Not a name: duplicate
# detection and search must not treat two such records as namesakes.
NAME_SAID_ON_THE_PHONE = "Name recorded by phone"


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other")
    UNKNOWN = "u", _("Not known")


class PersonLanguage(models.TextChoices):
    PASHTO = "ps", _("Pashto")
    DARI = "fa", _("Dari")
    URDU = "ur", _("Urdu")
    ENGLISH = "en", _("English")
    BALOCHI = "bal", _("Balochi")
    OTHER = "other", _("Other")


class Household(PublicIdModel):
    """A family group. It holds no personal data itself: only its members do."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="households"
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")


class Person(PublicIdModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="persons"
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    given_name = EncryptedTextField(_("given name"), blank=True)
    family_name = EncryptedTextField(_("family or tribal name"), blank=True)
    father_name = EncryptedTextField(_("father's name"), blank=True)
    given_name_native = EncryptedTextField(_("given name (Arabic script)"), blank=True)
    family_name_native = EncryptedTextField(_("family name (Arabic script)"), blank=True)
    father_name_native = EncryptedTextField(_("father's name (Arabic script)"), blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    district = models.ForeignKey(
        "places.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    # Facts the legal status engine uses (panah/rules): they can make a person a possible
    # Pakistani citizen or someone UNHCR can intervene for.
    born_in_pakistan = models.BooleanField(_("born in Pakistan"), default=False)
    pakistani_parent = models.BooleanField(_("has a Pakistani parent"), default=False)
    asylum_claim_pending = models.BooleanField(_("asylum claim pending with UNHCR"), default=False)
    # The latest deportation-risk assessment, stored so that queues can sort by it in SQL. Derived
    # values, written only by panah.rules.triage (RISK_RANK: 0 low … 3 high); null until
    # first assessed. Recomputed daily, because the risk changes when a date passes.
    risk_rank = models.PositiveSmallIntegerField(_("deportation risk"), null=True, blank=True)
    risk_assessed_on = models.DateField(_("risk assessed on"), null=True, blank=True)
    risk_policy_version = models.CharField(
        _("policy version of the risk"), max_length=40, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Set when this record was found to be a duplicate and merged (panah/duplicates): its
    # phones, documents, cases and contacts moved to the survivor; the record itself is kept,
    # indexed under nothing (so search no longer finds it) and left out of lists.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["organisation", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_range",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_date__year=F("birth_year")),
                name="person_birth_date_matches_year",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if not (self.given_name.strip() or self.given_name_native.strip()):
            raise DomainError(
                {"given_name": _("Enter the person's given name, in Latin or Arabic script.")}
            )
        if self.birth_date is not None:
            self.birth_year = self.birth_date.year

    @property
    def display_name(self) -> str:
        latin = " ".join(p for p in (self.given_name, self.family_name) if p)
        native = " ".join(p for p in (self.given_name_native, self.family_name_native) if p)
        return latin or native

    @property
    def display_father_name(self) -> str:
        return self.father_name or self.father_name_native


class PhoneNumber(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = EncryptedTextField(_("phone number"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return mask(self.number)

    @property
    def masked_number(self) -> str:
        return mask(self.number)


class DocumentType(models.TextChoices):
    # shared/domain/facts.md §1.1–1.9
    POR = "por", _("Proof of Registration (PoR) card")
    ACC = "acc", _("Afghan Citizen Card (ACC)")
    TAZKIRA = "tazkira", _("Tazkira / e-Tazkira")
    PASSPORT = "passport", _("Afghan passport")
    VISA = "visa", _("Pakistani visa")
    POC = "poc", _("Pakistan Origin Card (POC)")
    PK_BIRTH_CERTIFICATE = "pk_birth_certificate", _("Pakistani birth certificate")
    UNHCR_ASYLUM_SEEKER = "unhcr_asylum_seeker", _("UNHCR asylum-seeker certificate")
    UNHCR_REFUGEE = "unhcr_refugee", _("UNHCR refugee certificate")
    UMRF = "umrf", _("UMRF certificate (unregistered member of a registered family)")
    NONE = "none", _("No document")


class IdentityDocument(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document"), max_length=24, choices=DocumentType.choices)
    number = EncryptedTextField(_("document number"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gte=F("issued_on")),
                name="document_expiry_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.get_doc_type_display()

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise DomainError({"expires_on": _("The expiry date is before the issue date.")})
        if self.doc_type == DocumentType.NONE and self.number:
            raise DomainError({"number": _("A person with no document has no document number.")})

    @property
    def masked_number(self) -> str:
        return mask(self.number)


class Consent(models.Model):
    class Purpose(models.TextChoices):
        LEGAL_ASSISTANCE = "legal_assistance", _("Legal assistance")
        REFERRAL = "referral", _("Referral to a partner organisation")
        DATA_SHARING = "data_sharing", _("Sharing data with partners")
        CONTACT = "contact", _("Being contacted by SMS, WhatsApp or phone")

    class GivenBy(models.TextChoices):
        SELF = "self", _("The person")
        PARENT = "parent", _("Parent or guardian")
        RELATIVE = "relative", _("Relative")
        OTHER = "other", _("Someone else")

    class Channel(models.TextChoices):
        CALL = "call", _("Phone call")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        IN_PERSON = "in_person", _("In person")
        WEB = "web", _("Web")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self) -> str:
        return self.get_purpose_display()

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class SearchKey(models.Model):
    """One keyed blind-index digest pointing at a person (see panah.core.crypto).

    The organisation is copied here so the look-up index is (organisation, kind, digest) and a
    search never touches another organisation's rows. Every kind has its own derived key
    (index name ``person.<kind>``); what each kind indexes is in panah/people/search.py.
    """

    class Kind(models.TextChoices):
        FULL_NAME = "full_name"
        # No longer written (replaced by the name_* kinds); `panah people reindex` removes it.
        NAME_TOKEN = "name_token"
        PHONE = "phone"
        DOCUMENT = "document"
        # One name word of the person's own name (given or family), three levels of coarseness.
        NAME_MATCH = "name_match"
        NAME_PHONETIC = "name_phon"
        NAME_SKELETON = "name_skel"
        # One word of the father's name, the same three levels.
        FATHER_MATCH = "father_match"
        FATHER_PHONETIC = "father_phon"
        FATHER_SKELETON = "father_skel"
        BIRTH_YEAR = "birth_year"
        # Two facts together: selective where a single common word (Mohammad) is not.
        PAIR_FATHER = "pair_father"  # own name word × father's name word (phonetic keys)
        PAIR_FATHER_SKELETON = "pair_fskel"  # the same with consonant skeletons
        PAIR_NAME = "pair_name"  # two words of the own name (skeletons)
        PAIR_YEAR = "pair_year"  # own name word (skeleton) × year of birth
        PAIR_FULL = "pair_full"  # whole given name × whole father's name (phonetic keys)
        # Whole given name of a person whose father's name was never recorded: a search that
        # types one prefers them to namesakes whose recorded father is someone else.
        NO_FATHER = "no_father"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_keys")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    digest = models.CharField(max_length=32)

    class Meta:
        # person last: the index covers the look-up, so no table row is read to find who.
        indexes = [
            models.Index(
                fields=["organisation", "kind", "digest", "person"], name="searchkey_lookup"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "digest"], name="search_key_unique_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.digest[:8]}"


def mask(value: str, *, visible: int = 3) -> str:
    """Return a value with all but its last few characters hidden (DP-9 minimum display)."""
    if not value:
        return ""
    if len(value) <= visible:
        return "•" * len(value)
    return "•" * (len(value) - visible) + value[-visible:]
