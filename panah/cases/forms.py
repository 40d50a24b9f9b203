from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import User
from panah.cases.models import CaseType, Outcome, Priority, Status
from panah.cases.selectors import QueueSort
from panah.core.widgets import DateTimeLocalInput
from panah.places.models import District


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("open", _("Open")), ("all", _("All")), *Status.choices],
        required=False,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("Any")), *Priority.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    case_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Any")), *CaseType.choices], required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    unassigned = forms.BooleanField(label=_("Unassigned"), required=False)
    reference = forms.CharField(label=_("Reference"), max_length=24, required=False)
    sort = forms.ChoiceField(
        label=_("Sort"), choices=QueueSort.choices, initial=QueueSort.URGENT, required=False
    )


class AssignForm(forms.Form):
    advocate = forms.ModelChoiceField(
        label=_("Advocate"), queryset=User.objects.none(), required=False
    )
    case_manager = forms.ModelChoiceField(
        label=_("Case manager"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, advocates: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = advocates  # type: ignore[attr-defined]
        self.fields["case_manager"].queryset = managers  # type: ignore[attr-defined]
        self.fields["advocate"].label_from_instance = _staff_label  # type: ignore[attr-defined]
        self.fields["case_manager"].label_from_instance = _staff_label  # type: ignore[attr-defined]


def _staff_label(user: User) -> str:
    return user.get_full_name() or user.username


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProductionForm(forms.Form):
    produced_at = forms.DateTimeField(
        label=_("Produced before a magistrate at"), widget=DateTimeLocalInput()
    )


class DeadlineForm(forms.Form):
    title = forms.CharField(label=_("What is due"), max_length=150)
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeLocalInput())
