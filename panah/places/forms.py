from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.places.formats import MAX_BYTES
from panah.places.models import District, FileFormat, Place


class PlaceFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("Any")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any")), *Place.Kind.choices], required=False
    )


class PlaceImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8) with the header kind,name,name_ur,district,address,jurisdiction,"
            "latitude,longitude,source; or a GeoJSON FeatureCollection of points. At most "
            "5 MB and 20,000 places."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("From the file name")), *FileFormat.choices],
        required=False,
    )
    create_districts = forms.BooleanField(
        label=_("Create districts that do not exist yet"),
        help_text=_("Leave this off unless you mean to add a district: a typo would add one."),
        required=False,
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB: split it into smaller files.")
                % {"limit": MAX_BYTES // (1024 * 1024)}
            )
        return upload
