"""Places: a jurisdiction, coordinates checked to lie in Pakistan, text that is not a
spreadsheet formula, and the record of each CSV or GeoJSON import (issue 3, part 1).

Written by hand from `makemigrations` output, grouped by purpose.
"""

import uuid
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import panah.places.models

not_formula = panah.places.models.validate_not_formula


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_login_failure"),
        ("places", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The area a place covers, as published.
        migrations.AddField(
            model_name="place",
            name="jurisdiction",
            field=models.TextField(
                blank=True,
                help_text="The area the place covers, as published.",
                validators=[django.core.validators.MaxLengthValidator(1000), not_formula],
                verbose_name="jurisdiction",
            ),
        ),
        # Coordinates: named, and both or neither, inside Pakistan's bounding box.
        migrations.AlterField(
            model_name="place",
            name="latitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="latitude"
            ),
        ),
        migrations.AlterField(
            model_name="place",
            name="longitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="longitude"
            ),
        ),
        migrations.AddConstraint(
            model_name="place",
            constraint=models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=Decimal("23.5"),
                    latitude__lte=Decimal("37.2"),
                    longitude__gte=Decimal("60.8"),
                    longitude__lte=Decimal("77.9"),
                ),
                name="place_coordinates_in_pakistan",
                violation_error_message=(
                    "Give both latitude and longitude, inside Pakistan, or neither."
                ),
            ),
        ),
        # Text that a spreadsheet would run as a formula is refused (validators only: no SQL).
        migrations.AlterField(
            model_name="district",
            name="name",
            field=models.CharField(max_length=100, validators=[not_formula], verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="district",
            name="name_ur",
            field=models.CharField(
                blank=True, max_length=100, validators=[not_formula], verbose_name="name in Urdu"
            ),
        ),
        migrations.AlterField(
            model_name="place",
            name="name",
            field=models.CharField(max_length=150, validators=[not_formula], verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="place",
            name="name_ur",
            field=models.CharField(
                blank=True, max_length=150, validators=[not_formula], verbose_name="name in Urdu"
            ),
        ),
        migrations.AlterField(
            model_name="place",
            name="address",
            field=models.CharField(
                blank=True, max_length=250, validators=[not_formula], verbose_name="address"
            ),
        ),
        migrations.AlterField(
            model_name="place",
            name="source",
            field=models.CharField(
                blank=True,
                help_text="Where this place is documented.",
                max_length=250,
                validators=[not_formula],
                verbose_name="source",
            ),
        ),
        # One row per import: who, from which organisation, when, which file, what came of it.
        migrations.CreateModel(
            name="PlaceImport",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "imported_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="imported at"
                    ),
                ),
                (
                    "imported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="imported by",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "organisation_name",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="organisation name"
                    ),
                ),
                (
                    "file_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                (
                    "file_format",
                    models.CharField(
                        choices=[("csv", "CSV"), ("geojson", "GeoJSON")],
                        max_length=10,
                        verbose_name="format",
                    ),
                ),
                ("created", models.PositiveIntegerField(default=0, verbose_name="created")),
                ("updated", models.PositiveIntegerField(default=0, verbose_name="updated")),
                ("unchanged", models.PositiveIntegerField(default=0, verbose_name="unchanged")),
                ("rejected", models.PositiveIntegerField(default=0, verbose_name="rejected")),
                (
                    "rejected_rows",
                    models.JSONField(blank=True, default=list, verbose_name="rejected rows"),
                ),
            ],
            options={
                "verbose_name": "places import",
                "verbose_name_plural": "places imports",
                "ordering": ["-imported_at"],
            },
        ),
    ]
