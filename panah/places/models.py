"""Districts and the public places where people are held or processed.

Public reference data (not personal data): police stations, Levies thanas, FIA circles, courts,
holding centres and border crossings. Issue 3 (advocates) builds coverage and rotas on these.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Languages written in Arabic script, whose readers get the Urdu-script name of a place.
_ARABIC_SCRIPT = {"ur", "ps", "fa"}


def _local(name: str, name_ur: str) -> str:
    return name_ur if name_ur and get_language() in _ARABIC_SCRIPT else name


class District(models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_ur = models.CharField(_("name in Urdu"), max_length=100, blank=True)
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
    name = models.CharField(_("name"), max_length=150)
    name_ur = models.CharField(_("name in Urdu"), max_length=150, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="places")
    address = models.CharField(_("address"), max_length=250, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=250, blank=True, help_text=_("Where this place is documented.")
    )

    class Meta:
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "name"], name="place_unique_in_district"
            )
        ]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return _local(self.name, self.name_ur)
