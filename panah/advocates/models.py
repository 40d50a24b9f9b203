"""The advocates' directory: profiles, panels under MoUs, and the on-call rota.

An advocate is a staff user (role "advocate") with a profile saying where they can go, which
languages they speak and how to reach them at once. Panels let advocates of one body (say a
Bar Council refugee panel) take cases of the organisations that signed an MoU with it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.core.fields import EncryptedTextField


class Specialisation(models.TextChoices):
    ARREST_BAIL = "arrest_bail", _("Arrest and bail")
    FOREIGNERS_ACT = "foreigners_act", _("Foreigners Act cases")
    JUVENILE = "juvenile", _("Children in conflict with the law")
    DOCUMENTS = "documents", _("Documents and registration")
    FAMILY = "family", _("Family and citizenship")
    ASYLUM = "asylum", _("Asylum and UNHCR")


class Panel(models.Model):
    """Advocates who take cases of several organisations under a memorandum of understanding."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    mou_reference = models.CharField(_("MoU reference"), max_length=100, blank=True)
    mou_signed_on = models.DateField(_("MoU signed on"), null=True, blank=True)
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        related_name="panels",
        blank=True,
        verbose_name=_("organisations served"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self) -> str:
        return self.name


class Advocate(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advocate_profile"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="advocates"
    )
    panel = models.ForeignKey(
        Panel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advocates",
        verbose_name=_("panel"),
    )
    bar_council = models.CharField(_("bar council"), max_length=100)
    enrolment_number = models.CharField(_("enrolment number"), max_length=50)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    specialisations = models.JSONField(_("specialisations"), default=list, blank=True)
    districts = models.ManyToManyField(
        "places.District", related_name="advocates", blank=True, verbose_name=_("districts")
    )
    places = models.ManyToManyField(
        "places.Place", related_name="advocates", blank=True, verbose_name=_("places")
    )
    # The advocate's own mobile: encrypted, with a blind index so a reply by SMS finds them.
    phone = EncryptedTextField(_("phone"))
    phone_digest = models.CharField(max_length=64, db_index=True)
    # ON/OFF by SMS: off means "do not alert me", whatever the rota says.
    available = models.BooleanField(_("available"), default=True)
    available_changed_at = models.DateTimeField(null=True, blank=True)
    # Where the advocate usually starts from (their chambers), for distances.
    base_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    base_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Counters kept by dispatch, for the acceptance rate (no scan of old offers per decision).
    offers_made = models.PositiveIntegerField(default=0)
    offers_accepted = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # The advocate agreed that their name and phone are printed on police station sheets.
    listed_on_sheets = models.BooleanField(_("listed on police station sheets"), default=False)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("advocate")
        verbose_name_plural = _("advocates")
        constraints = [
            models.UniqueConstraint(
                fields=["bar_council", "enrolment_number"], name="advocate_unique_enrolment"
            ),
            models.CheckConstraint(
                condition=models.Q(offers_accepted__lte=models.F("offers_made")),
                name="advocate_acceptances_within_offers",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def acceptance_rate(self) -> float | None:
        return self.offers_accepted / self.offers_made if self.offers_made else None


class Shift(models.Model):
    """A stretch of on-call duty for one staff member (an advocate or a coordinator).

    Weekly shifts repeat on a weekday; a one-off shift adds duty on a date; an "off" entry
    removes duty on a date (leave, court all day). A shift whose end is not after its start
    runs past midnight into the next day.
    """

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        ONCE = "once", _("On one date")
        OFF = "off", _("Off on one date")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shifts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        null=True,
        blank=True,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    date = models.DateField(_("date"), null=True, blank=True)
    starts = models.TimeField(_("from"), default=datetime.time(0, 0))
    ends = models.TimeField(_("until"), default=datetime.time(0, 0))
    # Where this shift covers; empty means "wherever the advocate's profile covers".
    district = models.ForeignKey(
        "places.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["weekday", "date", "starts"]
        indexes = [
            models.Index(fields=["organisation", "kind", "weekday"], name="shift_weekly"),
            models.Index(fields=["organisation", "kind", "date"], name="shift_dated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="weekly", weekday__isnull=False, date__isnull=True)
                    | models.Q(kind__in=["once", "off"], date__isnull=False, weekday__isnull=True)
                ),
                name="shift_weekday_or_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.weekday if self.date is None else self.date}"

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end date is before the start date.")})
        if self.kind == self.Kind.WEEKLY and self.weekday is None:
            raise ValidationError({"weekday": _("Choose the weekday of a weekly shift.")})
        if self.kind != self.Kind.WEEKLY and self.date is None:
            raise ValidationError({"date": _("Choose the date.")})


class ShiftCover(models.Model):
    """The rota as routing reads it: one row per shift and per place or district it covers.

    A shift naming a place or a district covers that one; a shift naming neither covers what
    its advocate's profile covers, so it has a row per profile place and per profile district.
    "Off" entries have no rows (routing reads them from Shift). The weekday of a one-off shift
    is stored too, so one index range by (organisation, district or place, weekday) returns
    the shifts that can be running at a moment: routing then reads the few shifts of the day
    in a district instead of every shift of every advocate who covers it (issue 3,
    benchmarks/results.md).

    Written only by database triggers on Shift and on the advocates' cover tables (migration
    advocates 0002), whatever writes those (services, bulk loads, the admin shell), and never
    by Python; `panah advocates rebuild-cover` rebuilds it, and the system check
    panah.E010 refuses to start when a trigger is missing (SQLite drops triggers when a
    migration rebuilds a table).
    """

    shift = models.ForeignKey(
        Shift, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # Set on rows that come from the advocate's profile (a shift naming neither place nor
    # district), so that a change of the profile's cover removes exactly its rows.
    advocate = models.ForeignKey(
        Advocate,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    district = models.ForeignKey(
        "places.District",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    # Copies of the shift's columns (shifts are added and removed, and an update is applied by
    # the triggers as a removal and an addition).
    kind = models.CharField(max_length=8)
    weekday = models.PositiveSmallIntegerField()  # of the date, for a one-off shift
    date = models.DateField(null=True)
    starts = models.TimeField()
    ends = models.TimeField()
    valid_from = models.DateField(null=True)
    valid_until = models.DateField(null=True)

    class Meta:
        # The columns routing filters on, then those it returns: read from the index alone.
        _ROTA = ["weekday", "kind", "date", "starts", "ends", "valid_from", "valid_until"]
        indexes = [
            models.Index(
                fields=["organisation", "district", *_ROTA, "user", "place"],
                name="shiftcover_district",
            ),
            models.Index(
                fields=["organisation", "place", *_ROTA, "user", "district"],
                name="shiftcover_place",
            ),
            models.Index(fields=["shift"], name="shiftcover_shift"),
            models.Index(fields=["advocate"], name="shiftcover_advocate"),
        ]

    def __str__(self) -> str:
        return f"shift {self.shift_id} covers {self.place_id or self.district_id}"


class DutyPhone(models.Model):
    """A coordinator's phone for escalations (advocates keep theirs on their profile)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_phone"
    )
    phone = EncryptedTextField(_("phone"))
    phone_digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("duty phone")
        verbose_name_plural = _("duty phones")

    def __str__(self) -> str:
        return str(self.user)
