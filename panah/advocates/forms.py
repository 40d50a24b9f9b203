"""Forms for the advocates' directory, panels and the rota. They parse; services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Organisation, User
from panah.advocates.models import Panel, Shift, Specialisation
from panah.core.widgets import DateInput, LeftToRightInput
from panah.people.models import PersonLanguage
from panah.places.models import District, Place

LANGUAGE_CHOICES = [(c, label) for c, label in PersonLanguage.choices if c != PersonLanguage.OTHER]
WEEKDAY_CHOICES = Shift._meta.get_field("weekday").choices or []


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"dir": "ltr", **(attrs or {})}, format="%H:%M")


def _staff_label(user: User) -> str:
    return user.get_full_name() or user.username


def _place_label(place: Place) -> str:
    return f"{place} · {place.district}"


class AdvocateFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *LANGUAGE_CHOICES], required=False
    )
    verified = forms.ChoiceField(
        label=_("Verified"),
        choices=[("", _("Any")), ("yes", _("Verified")), ("no", _("Not verified"))],
        required=False,
    )


class AdvocateForm(forms.Form):
    """An advocate's profile. `users` (the staff to choose from) only when creating one."""

    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())
    bar_council = forms.CharField(
        label=_("Bar council"), max_length=100, initial="Balochistan Bar Council"
    )
    enrolment_number = forms.CharField(
        label=_("Enrolment number"), max_length=50, widget=LeftToRightInput()
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=40,
        widget=LeftToRightInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        help_text=_("Alerts go to this number, and replies by SMS come from it."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialisations = forms.MultipleChoiceField(
        label=_("Specialisations"),
        choices=Specialisation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts covered"),
        queryset=District.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Police stations and facilities covered"),
        queryset=Place.objects.select_related("district"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    base_latitude = forms.DecimalField(
        label=_("Base latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=LeftToRightInput(attrs={"inputmode": "decimal"}),
        help_text=_("Where the advocate usually starts from (chambers), for distances."),
    )
    base_longitude = forms.DecimalField(
        label=_("Base longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=LeftToRightInput(attrs={"inputmode": "decimal"}),
    )
    panel = forms.ModelChoiceField(label=_("Panel"), queryset=Panel.objects.none(), required=False)
    listed_on_sheets = forms.BooleanField(
        label=_("Listed on police station sheets (the advocate agreed)"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        panels: Any,
        users: Any = None,
        phone_on_record: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels  # type: ignore[attr-defined]
        places = self.fields["places"]
        places.label_from_instance = _place_label  # type: ignore[attr-defined]
        if users is None:  # editing: the profile's owner is fixed
            del self.fields["user"]
            phone = self.fields["phone"]
            phone.required = False
            phone.help_text = _("Leave empty to keep the number on record (ending in %(end)s).") % {
                "end": (phone_on_record or "")[-3:]
            }
        else:
            del self.fields["is_active"]
            self.fields["user"].queryset = users  # type: ignore[attr-defined]
            self.fields["user"].label_from_instance = _staff_label  # type: ignore[attr-defined]


class PanelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    mou_reference = forms.CharField(
        label=_("MoU reference"), max_length=100, required=False, widget=LeftToRightInput()
    )
    mou_signed_on = forms.DateField(label=_("MoU signed on"), required=False, widget=DateInput())
    organisations = forms.ModelMultipleChoiceField(
        label=_("Other organisations under the MoU"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, own: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            pk=own.pk
        ).order_by("name")


class ShiftForm(forms.Form):
    """A weekly shift, duty on one date, or a day off. Times are Pakistan time."""

    user = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Shift.Kind.choices, initial=Shift.Kind.WEEKLY)
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=[("", "—"), *WEEKDAY_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    starts = forms.TimeField(
        label=_("From"), required=False, initial=datetime.time(8, 0), widget=TimeInput()
    )
    ends = forms.TimeField(
        label=_("Until"),
        required=False,
        initial=datetime.time(20, 0),
        widget=TimeInput(),
        help_text=_(
            "An end at or before the start runs into the next day; 00:00 to 00:00 is the whole day."
        ),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    place = forms.ModelChoiceField(
        label=_("Police station or facility"),
        queryset=Place.objects.select_related("district"),
        required=False,
        help_text=_("Leave both empty to cover what the advocate's profile covers."),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = _staff_label  # type: ignore[attr-defined]
        self.fields["place"].label_from_instance = _place_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Shift.Kind.WEEKLY and data.get("weekday") is None:
            self.add_error("weekday", _("Choose the weekday of a weekly shift."))
        if data.get("kind") in (Shift.Kind.ONCE, Shift.Kind.OFF) and data.get("date") is None:
            self.add_error("date", _("Choose the date."))
        for name in ("starts", "ends"):
            if data.get(name) is None:
                data[name] = datetime.time(0, 0)
        return data


class DutyPhoneForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none())
    phone = forms.CharField(
        label=_("Duty phone"),
        max_length=40,
        widget=LeftToRightInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, coordinators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = coordinators  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = _staff_label  # type: ignore[attr-defined]


class WeekForm(forms.Form):
    start = forms.DateField(label=_("Week from"), required=False, widget=DateInput())


class AvailabilityForm(forms.Form):
    available = forms.TypedChoiceField(
        choices=[("on", _("On")), ("off", _("Off"))], coerce=lambda value: value == "on"
    )
