"""Districts and the public places where people are held or processed.

Public reference data (not personal data): police stations, Levies thanas, FIA circles, courts,
holding centres and border crossings. Issue 3 (advocates) builds coverage and rotas on these.
Places are shared by every organisation: they belong to none of them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Languages written in Arabic script, whose readers get the Urdu-script name of a place.
_ARABIC_SCRIPT = {"ur", "ps", "fa"}

# Pakistan's bounding box, generously rounded: a point outside it is a typo or swapped
# latitude and longitude, not a place in Pakistan.
LATITUDE_RANGE = (Decimal("23.5"), Decimal("37.2"))
LONGITUDE_RANGE = (Decimal("60.8"), Decimal("77.9"))

# Spreadsheets run a cell that starts with one of these as a formula. Places are exported as
# CSV and opened by other organisations' staff in Excel, so text never starts with one (the
# OWASP "CSV injection" advice); a lone "-" placeholder is refused too, with the same message.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_OUTSIDE = _(
    "%(value)s is outside Pakistan (%(low)s to %(high)s): are latitude and longitude swapped?"
)


def validate_not_formula(value: str) -> None:
    """Refuse text that a spreadsheet would run as a formula."""
    if value.startswith(_FORMULA_START):
        raise ValidationError(
            _("Text may not start with =, +, - or @ (a spreadsheet would run it as a formula)."),
            code="formula",
        )


def _local(name: str, name_ur: str) -> str:
    return name_ur if name_ur and get_language() in _ARABIC_SCRIPT else name


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    GEOJSON = "geojson", "GeoJSON"


class District(models.Model):
    name = models.CharField(_("name"), max_length=100, validators=[validate_not_formula])
    name_ur = models.CharField(
        _("name in Urdu"), max_length=100, blank=True, validators=[validate_not_formula]
    )
    province = models.CharField(_("province"), max_length=100, default="Balochistan")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="district_unique_name")
        ]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return _local(self.name, self.name_ur)


class Place(models.Model):
    class Kind(models.TextChoices):
        POLICE_STATION = "police_station", _("Police station")
        LEVIES_THANA = "levies_thana", _("Levies thana")
        FIA = "fia", _("FIA circle or station")
        COURT = "court", _("Court")
        HOLDING_CENTRE = "holding_centre", _("Holding or deportation centre")
        BORDER_CROSSING = "border_crossing", _("Border crossing")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150, validators=[validate_not_formula])
    name_ur = models.CharField(
        _("name in Urdu"), max_length=150, blank=True, validators=[validate_not_formula]
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="places")
    address = models.CharField(
        _("address"), max_length=250, blank=True, validators=[validate_not_formula]
    )
    jurisdiction = models.TextField(
        _("jurisdiction"),
        blank=True,
        validators=[MaxLengthValidator(1000), validate_not_formula],
        help_text=_("The area the place covers, as published."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    source = models.CharField(
        _("source"),
        max_length=250,
        blank=True,
        validators=[validate_not_formula],
        help_text=_("Where this place is documented."),
    )

    class Meta:
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "name"], name="place_unique_in_district"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=LATITUDE_RANGE[0],
                    latitude__lte=LATITUDE_RANGE[1],
                    longitude__gte=LONGITUDE_RANGE[0],
                    longitude__lte=LONGITUDE_RANGE[1],
                ),
                name="place_coordinates_in_pakistan",
                violation_error_message=_(
                    "Give both latitude and longitude, inside Pakistan, or neither."
                ),
            ),
        ]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return _local(self.name, self.name_ur)

    def clean(self) -> None:
        """Check the coordinates: both or neither, and inside Pakistan's bounding box.

        The check constraint says the same to the database; this says it to a person, on the
        field at fault.
        """
        super().clean()
        lat, lon = _decimal_or_none(self.latitude), _decimal_or_none(self.longitude)
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError(
                {missing: _("Give both latitude and longitude, or neither.")}, code="half"
            )
        errors: dict[str, ValidationError] = {}
        if lat is not None and not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
            errors["latitude"] = ValidationError(
                _OUTSIDE,
                code="outside",
                params={"value": _plain(lat), "low": LATITUDE_RANGE[0], "high": LATITUDE_RANGE[1]},
            )
        if lon is not None and not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
            errors["longitude"] = ValidationError(
                _OUTSIDE,
                code="outside",
                params={
                    "value": _plain(lon),
                    "low": LONGITUDE_RANGE[0],
                    "high": LONGITUDE_RANGE[1],
                },
            )
        if errors:
            raise ValidationError(errors)


def _plain(number: Decimal) -> str:
    """Return a number as a person wrote it: 67, not 67.000000 or 6.7E+1."""
    return format(number.normalize(), "f")


def _decimal_or_none(value: object) -> Decimal | None:
    """Return a finite Decimal, or None when there is none (clean_fields reports bad input)."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class PlaceImport(models.Model):
    """One upload of a places file: who, from which organisation, when, and what came of it.

    Places are public reference data, not personal data, so imports are recorded here rather
    than in the personal-data audit log. The rejected rows are kept (as uploaded, with their
    reasons) so the importer can download them, fix them and upload them again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    # Empty for an import from the command line (`panah places import`).
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # The name as it was at the time, kept if the organisation is renamed or removed.
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # [{"location": 7, "row": {"kind": …, …}, "reasons": ["…"]}, …], in file order.
    rejected_rows = models.JSONField(_("rejected rows"), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("places import")
        verbose_name_plural = _("places imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"

    def location_label(self, location: int) -> str:
        """Return where a rejected row was: "line 7" for CSV, "feature 3" for GeoJSON."""
        return location_label(self.file_format, location)


def location_label(file_format: str, location: int) -> str:
    """Return "line N" (CSV, counting the header as line 1) or "feature N" (GeoJSON, from 1)."""
    if file_format == FileFormat.GEOJSON:
        return _("feature %(number)s") % {"number": location}
    return _("line %(number)s") % {"number": location}
