"""The operator console: log a contact, find or create the person, open a case."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from panah.accounts.selectors import actor_for
from panah.core.access import Capability
from panah.core.errors import add_domain_error_to_form
from panah.helpline.forms import IntakeForm
from panah.helpline.selectors import contact_list_for
from panah.helpline.services import CaseData, DocumentData, IntakeData, intake_record
from panah.people.selectors import person_get_for
from panah.people.services import PersonData

# Model field names a service may complain about → the console form's field names.
_FIELD_MAP = {
    "number": "doc_number",
    "expires_on": "doc_expires_on",
    "issued_on": "doc_issued_on",
    "doc_type": "doc_type",
    "birth_year": "birth",
    "birth_date": "birth",
}


def _intake_data(form: IntakeForm, person: object) -> IntakeData:
    d = form.cleaned_data
    birth_year, birth_date = d["birth"]
    person_data = None
    if person is None:
        person_data = PersonData(
            given_name=d["given_name"],
            family_name=d["family_name"],
            father_name=d["father_name"],
            given_name_native=d["given_name_native"],
            father_name_native=d["father_name_native"],
            sex=d["sex"],
            birth_year=birth_year,
            birth_date=birth_date,
            languages=[d["person_language"]] if d["person_language"] else [],
            district_id=d["district"].pk if d["district"] else None,
            born_in_pakistan=d["born_in_pakistan"],
            pakistani_parent=d["pakistani_parent"],
            asylum_claim_pending=d["asylum_claim_pending"],
        )
    caller_data = None
    if d["caller_relation"] != "self" and d["caller_given_name"].strip():
        caller_data = PersonData(given_name=d["caller_given_name"])
    document = None
    if d["doc_type"]:
        document = DocumentData(
            doc_type=d["doc_type"],
            number=d["doc_number"],
            issued_on=d["doc_issued_on"],
            expires_on=d["doc_expires_on"],
        )
    case = None
    if d["open_case"]:
        case = CaseData(
            case_type=d["case_type"],
            priority=d["priority"],
            district=d["district"],
            place=d["place"],
            arrested_at=d["arrested_at"],
            arresting_force=d["arresting_force"],
            fir_number=d["fir_number"],
        )
    duration = d["duration_minutes"]
    return IntakeData(
        channel=d["channel"],
        direction=d["direction"],
        language=d["language"],
        caller_phone=d["caller_phone"],
        caller_relation=d["caller_relation"],
        caller_data=caller_data,
        summary=d["summary"],
        started_at=d["started_at"],
        duration_seconds=int(datetime.timedelta(minutes=duration).total_seconds())
        if duration is not None
        else None,
        person=person,  # type: ignore[arg-type]
        person_data=person_data,
        person_phones=[d["person_phone"]] if d["person_phone"].strip() else [],
        document=document,
        case=case,
        consent_given_by=d["consent_given_by"] if d["consent_given"] else "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    """One screen for an intake: parse, authorise, act, render."""
    actor = actor_for(request.user)
    actor.require(Capability.CONTACT_LOG)
    form = IntakeForm(request.POST or None, initial={"language": get_language()})
    selected = None
    if request.method == "POST" and form.is_valid():
        person_id = form.cleaned_data["person_id"]
        selected = person_get_for(request.user, person_id) if person_id else None
        try:
            result = intake_record(actor, data=_intake_data(form, selected))
        except ValidationError as error:
            add_domain_error_to_form(form, error, _FIELD_MAP)
        else:
            if result.case is not None:
                messages.success(
                    request, _("Case %(reference)s opened.") % {"reference": result.case.reference}
                )
                return redirect("cases:case_detail", reference=result.case.reference)
            messages.success(request, _("Contact logged."))
            return redirect("people:person_detail", person_id=result.person.pk)
    elif request.method == "POST" and form.data.get("person_id"):
        try:
            selected = person_get_for(request.user, form.data["person_id"])
        except Http404:
            selected = None
    return render(request, "helpline/console.html", {"form": form, "selected": selected})


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    """The organisation's contact log, newest first."""
    page = Paginator(contact_list_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "helpline/contact_list.html", {"page": page})
