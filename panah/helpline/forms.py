"""The operator console form: one screen for contact, person, document and case."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.cases.models import ArrestingForce, CaseType, Priority
from panah.core.widgets import DateInput, DateTimeLocalInput, LeftToRightInput
from panah.helpline.models import CallerRelation, Channel, Direction
from panah.people.models import Consent, DocumentType, PersonLanguage, Sex
from panah.places.models import District, Place

_BIRTH = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?$")


def parse_birth(value: str) -> tuple[int | None, datetime.date | None]:
    """Parse "YYYY" or "YYYY-MM-DD" into (year, date); raise ValidationError otherwise."""
    value = value.strip()
    if not value:
        return None, None
    match = _BIRTH.match(value)
    if not match:
        raise forms.ValidationError(_("Enter a year (1990) or a full date (1990-03-21)."))
    year = int(match.group(1))
    this_year = timezone.localdate().year
    if not 1900 <= year <= this_year:
        raise forms.ValidationError(_("Enter a year between 1900 and this year."))
    if match.group(2) is None:
        return year, None
    try:
        date = datetime.date(year, int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise forms.ValidationError(_("This date does not exist.")) from exc
    if date > timezone.localdate():
        raise forms.ValidationError(_("The date of birth cannot be in the future."))
    return year, date


class IntakeForm(forms.Form):
    # The contact
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="call")
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial="in")
    language = forms.ChoiceField(label=_("Language of the call"), choices=settings.LANGUAGES)
    caller_phone = forms.CharField(
        label=_("Caller's phone"), max_length=40, required=False, widget=LeftToRightInput
    )
    caller_relation = forms.ChoiceField(
        label=_("Caller is"), choices=CallerRelation.choices, initial="self"
    )
    caller_given_name = forms.CharField(label=_("Caller's name"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    started_at = forms.DateTimeField(
        label=_("Time of contact"), required=False, widget=DateTimeLocalInput()
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=600, required=False
    )
    # The person: an existing one (chosen by search) or a new one
    person_id = forms.UUIDField(required=False, widget=forms.HiddenInput())
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family or tribal name"), max_length=100, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=100, required=False)
    given_name_native = forms.CharField(
        label=_("Given name (Arabic script)"), max_length=100, required=False
    )
    father_name_native = forms.CharField(
        label=_("Father's name (Arabic script)"), max_length=100, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial="u")
    birth = forms.CharField(
        label=_("Year or date of birth"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "1990 / 1990-03-21", "dir": "ltr"}),
    )
    person_phone = forms.CharField(
        label=_("Person's phone"), max_length=40, required=False, widget=LeftToRightInput
    )
    person_language = forms.ChoiceField(
        label=_("Person's language"), choices=[("", "—"), *PersonLanguage.choices], required=False
    )
    born_in_pakistan = forms.BooleanField(label=_("Born in Pakistan"), required=False)
    pakistani_parent = forms.BooleanField(label=_("Has a Pakistani parent"), required=False)
    asylum_claim_pending = forms.BooleanField(
        label=_("Asylum claim pending with UNHCR"), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    consent_given = forms.BooleanField(
        label=_("The person agrees that we record their details to give legal help"),
        required=False,
    )
    consent_given_by = forms.ChoiceField(
        label=_("Agreement given by"),
        choices=Consent.GivenBy.choices,
        initial="self",
        required=False,
    )
    # The document
    doc_type = forms.ChoiceField(
        label=_("Document"), choices=[("", "—"), *DocumentType.choices], required=False
    )
    doc_number = forms.CharField(
        label=_("Document number"), max_length=60, required=False, widget=LeftToRightInput
    )
    doc_issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    doc_expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    # The case
    open_case = forms.BooleanField(label=_("Open a legal case"), required=False)
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices, initial="arrest")
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.URGENT
    )
    place = forms.ModelChoiceField(
        label=_("Police station or facility"),
        queryset=Place.objects.select_related("district"),
        required=False,
    )
    arrested_at = forms.DateTimeField(
        label=_("Time of arrest"), required=False, widget=DateTimeLocalInput()
    )
    arresting_force = forms.ChoiceField(
        label=_("Arrested by"), choices=[("", "—"), *ArrestingForce.choices], required=False
    )
    fir_number = forms.CharField(
        label=_("FIR number"), max_length=60, required=False, widget=LeftToRightInput
    )

    def clean_birth(self) -> tuple[int | None, datetime.date | None]:
        return parse_birth(self.cleaned_data.get("birth") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person_id") and not (
            (data.get("given_name") or "").strip() or (data.get("given_name_native") or "").strip()
        ):
            self.add_error("given_name", _("Find the person above, or enter their given name."))
        issued, expires = data.get("doc_issued_on"), data.get("doc_expires_on")
        if issued and expires and expires < issued:
            self.add_error("doc_expires_on", _("The expiry date is before the issue date."))
        if (data.get("doc_number") or issued or expires) and not data.get("doc_type"):
            self.add_error("doc_type", _("Choose which document this is."))
        now = timezone.now()
        arrested = data.get("arrested_at")
        if arrested and arrested > now + datetime.timedelta(minutes=5):
            self.add_error("arrested_at", _("The time of arrest cannot be in the future."))
        if data.get("consent_given") and not data.get("consent_given_by"):
            self.add_error("consent_given_by", _("Say who gave the agreement."))
        if data.get("open_case") and data.get("case_type") == "arrest" and not arrested:
            self.add_error("arrested_at", _("Enter when the arrest happened, even roughly."))
        return data
